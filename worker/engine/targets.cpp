#include "worker/engine/targets.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"

namespace beamline::engine {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t at = text.find(separator, start);
    const std::string part(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (!part.empty()) parts.push_back(part);
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

int64_t parse_block(const std::string& text) {
  try {
    size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  throw Error(fmt::format("targets: block '{}': expected a non-negative integer", text));
}

BlockRange parse_range(const std::string& text) {
  const size_t dash = text.find('-');
  if (dash == std::string::npos) {
    const int64_t block = parse_block(text);
    return {block, block};
  }
  const BlockRange range{parse_block(text.substr(0, dash)), parse_block(text.substr(dash + 1))};
  if (range.first > range.last) throw Error(fmt::format("targets: block range '{}': first exceeds last", text));
  return range;
}

bool in_blocks(const TargetSpec& spec, int64_t block) {
  if (spec.blocks.empty()) return true;
  return std::any_of(spec.blocks.begin(), spec.blocks.end(),
                     [&](const BlockRange& r) { return block >= r.first && block <= r.last; });
}

}  // namespace

TargetSpec parse_targets(std::string_view text) {
  TargetSpec spec;
  for (const std::string& part : split(text, ';')) {
    const size_t eq = part.find('=');
    const std::string key = part.substr(0, eq);
    if (eq == std::string::npos || (key != "layers" && key != "blocks")) {
      throw Error(fmt::format("targets: '{}': expected layers=NAME,... or blocks=A-B,...", part));
    }
    for (const std::string& item : split(std::string_view(part).substr(eq + 1), ',')) {
      if (key == "layers") {
        spec.layers.push_back(runtime::parse_layer_kind(item));
      } else {
        spec.blocks.push_back(parse_range(item));
      }
    }
  }
  return spec;
}

std::string format_targets(const TargetSpec& spec) {
  std::string layers;
  for (auto kind : spec.layers) layers += (layers.empty() ? "" : ",") + runtime::to_string(kind);
  std::string blocks;
  for (const auto& r : spec.blocks) {
    blocks += (blocks.empty() ? "" : ",") +
              (r.first == r.last ? std::to_string(r.first) : fmt::format("{}-{}", r.first, r.last));
  }
  std::string text;
  if (!layers.empty()) text = "layers=" + layers;
  if (!blocks.empty()) text += (text.empty() ? "" : ";") + std::string("blocks=") + blocks;
  return text.empty() ? "all" : text;
}

int64_t layer_output_width(const modelio::ModelConfig& c, runtime::LayerKind kind) {
  using runtime::LayerKind;
  switch (kind) {
    case LayerKind::q_proj: return c.num_attention_heads * c.head_dim;
    case LayerKind::k_proj:
    case LayerKind::v_proj: return c.num_key_value_heads * c.head_dim;
    case LayerKind::o_proj:
    case LayerKind::down_proj:
    case LayerKind::fc2: return c.hidden_size;
    case LayerKind::gate_proj:
    case LayerKind::up_proj:
    case LayerKind::fc1:
    case LayerKind::act: return c.intermediate_size;
  }
  return 0;
}

std::vector<sites::TargetLayer> target_layers(const modelio::ModelConfig& config, const TargetSpec& spec) {
  const auto& computed = runtime::block_layer_kinds(config.family);
  std::vector<runtime::LayerKind> kinds;
  if (spec.layers.empty()) {
    for (auto kind : computed) {
      if (kind != runtime::LayerKind::act) kinds.push_back(kind);
    }
  } else {
    for (auto kind : spec.layers) {
      if (std::find(computed.begin(), computed.end(), kind) == computed.end()) {
        throw Error(fmt::format("targets: layer {} is not computed by {} models", runtime::to_string(kind),
                                modelio::to_string(config.family)));
      }
    }
    for (auto kind : computed) {  // execution order, each once
      if (std::find(spec.layers.begin(), spec.layers.end(), kind) != spec.layers.end()) kinds.push_back(kind);
    }
  }
  for (const auto& r : spec.blocks) {
    if (r.last >= config.num_hidden_layers) {
      throw Error(fmt::format("targets: block {} is out of range (the model has blocks 0-{})", r.last,
                              config.num_hidden_layers - 1));
    }
  }
  std::vector<sites::TargetLayer> targets;
  for (int64_t block = 0; block < config.num_hidden_layers; ++block) {
    if (!in_blocks(spec, block)) continue;
    for (auto kind : kinds) targets.push_back({block, runtime::to_string(kind), layer_output_width(config, kind)});
  }
  return targets;
}

}  // namespace beamline::engine
