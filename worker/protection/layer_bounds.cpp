#include "worker/protection/layer_bounds.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.h"

namespace beamline::protection {
namespace {

constexpr const char* kFormat = "beamline-bounds/1";

// "3.v_proj" -> a hook point, or an error naming the key.
runtime::HookPoint parse_point(const std::string& key, const std::string& path) {
  const size_t dot = key.find('.');
  const auto kind = dot == std::string::npos ? std::nullopt : runtime::try_parse_layer_kind(key.substr(dot + 1));
  int64_t block = -1;
  try {
    block = dot == std::string::npos ? -1 : std::stoll(key.substr(0, dot));
  } catch (const std::exception&) {
  }
  if (!kind || block < 0) {
    fail_in_file(path, fmt::format("bounds key '{}': expected BLOCK.LAYER such as 0.v_proj", key));
  }
  return {block, *kind};
}

}  // namespace

void LayerBounds::widen(const runtime::HookPoint& point, float low, float high) {
  const auto [it, inserted] = bounds_.try_emplace(runtime::to_string(point), Bounds{low, high});
  if (!inserted) {
    it->second.low = std::min(it->second.low, low);
    it->second.high = std::max(it->second.high, high);
  }
}

std::optional<Bounds> LayerBounds::find(const runtime::HookPoint& point) const {
  const auto it = bounds_.find(runtime::to_string(point));
  if (it == bounds_.end()) return std::nullopt;
  return it->second;
}

void LayerBounds::save(const std::string& path) const {
  nlohmann::json doc;
  doc["format"] = kFormat;
  doc["model"] = metadata.model;
  doc["dtype"] = metadata.dtype;
  doc["inputs"] = metadata.inputs;
  doc["bounds"] = nlohmann::json::object();
  for (const auto& [key, b] : bounds_) doc["bounds"][key] = {b.low, b.high};
  std::ofstream out(path);
  if (!out) throw Error(fmt::format("{}: cannot write the bounds file", path));
  out << doc.dump(1) << "\n";
  if (!out) throw Error(fmt::format("{}: writing the bounds file failed", path));
}

LayerBounds LayerBounds::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open the bounds file (write one with `beamline profile`)", path));
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    fail_in_file(path, fmt::format("malformed JSON ({})", e.what()));
  }
  if (!doc.is_object() || doc.value("format", "") != kFormat) {
    fail_in_file(path, fmt::format("field 'format': expected \"{}\"", kFormat));
  }
  LayerBounds bounds;
  bounds.metadata.model = doc.value("model", "");
  bounds.metadata.dtype = doc.value("dtype", "");
  bounds.metadata.inputs = doc.value("inputs", int64_t{0});
  const auto entries = doc.find("bounds");
  if (entries == doc.end() || !entries->is_object()) fail_in_file(path, "field 'bounds': expected an object");
  for (const auto& [key, value] : entries->items()) {
    const bool pair_of_numbers = value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number();
    if (!pair_of_numbers || value[0].get<double>() > value[1].get<double>()) {
      fail_in_file(path, fmt::format("bounds '{}': expected [low, high] with low <= high", key));
    }
    bounds.widen(parse_point(key, path), value[0].get<float>(), value[1].get<float>());
  }
  return bounds;
}

}  // namespace beamline::protection
