#pragma once
// The files of a trained model directory besides the weights: config.json,
// generation_config.json, tokenizer.json, the record of the data split and
// options (training_data.json) and the held-out eval sets (eval/*.jsonl).
#include <nlohmann/json_fwd.hpp>

#include <string>

#include "worker/modelio/torch_safetensors_writer.h"
#include "worker/training/model_shape.h"
#include "worker/training/training_data.h"

namespace beamline::training {

// config.json, generation_config.json and tokenizer.json (before training:
// the runtime builds the model from this config.json).
void write_model_files(const std::string& dir, const ModelShape& shape);

// model.safetensors in float32 (detached copies of `weights`).
void write_weights(const std::string& dir, const modelio::NamedTensors& weights);

// training_data.json (what the model trained on, so nobody evaluates on it)
// and eval/{qa,math,choice}.jsonl from the eval split of the same seed.
void write_data_record(const std::string& dir, const DataOptions& data, const nlohmann::json& recipe,
                       int64_t eval_count);

}  // namespace beamline::training
