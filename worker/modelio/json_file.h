#pragma once
// Reading and writing the small JSON files of a model directory
// (config.json, generation_config.json, model.safetensors.index.json).
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace beamline::modelio {

// Throws beamline::Error naming the path when the file is missing, unreadable
// or not valid JSON.
nlohmann::json read_json_file(const std::string& path);

// Pretty-printed (indent 2), as the Hugging Face tools write these files.
// Throws beamline::Error naming the path when it cannot be written.
void write_json_file(const std::string& path, const nlohmann::json& value);

}  // namespace beamline::modelio
