#include "worker/engine/targets.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"

namespace beamline::engine {
namespace {

bool in_blocks(const TargetSpec& spec, int64_t block) {
  if (spec.blocks.empty()) return true;
  return std::any_of(spec.blocks.begin(), spec.blocks.end(),
                     [&](const BlockRange& r) { return block >= r.first && block <= r.last; });
}

}  // namespace

TargetSpec from_target_set(const campaign::TargetSet& targets) {
  TargetSpec spec;
  for (const auto& name : targets.layers) spec.layers.push_back(runtime::parse_layer_kind(name));
  spec.blocks = targets.blocks;
  return spec;
}

campaign::TargetSet to_target_set(const TargetSpec& spec) {
  campaign::TargetSet targets;
  for (auto kind : spec.layers) targets.layers.push_back(runtime::to_string(kind));
  targets.blocks = spec.blocks;
  return targets;
}

TargetSpec parse_targets(std::string_view text) { return from_target_set(campaign::parse_target_set(text)); }

std::string format_targets(const TargetSpec& spec) { return campaign::format_target_set(to_target_set(spec)); }

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
