#pragma once
// Hook points: the named outputs of a decoder block where faults are injected
// and protections clamp (DESIGN.md "site"). Plain data, no LibTorch, so the
// injector, the protection and reports can name layers without the runtime.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "worker/modelio/model_config.h"

namespace beamline::runtime {

// Every linear layer of a block, plus the MLP activation's output (`act`).
// The names are the HF module names (OPT's out_proj reports as o_proj); they
// appear in campaign files, sites and the database, so never rename them.
enum class LayerKind {
  q_proj,
  k_proj,
  v_proj,
  o_proj,
  gate_proj,
  up_proj,
  down_proj,
  fc1,
  fc2,
  act,
};
inline constexpr int kLayerKindCount = 10;

std::string to_string(LayerKind kind);
// nullopt for an unknown name; parse_layer_kind throws beamline::Error
// listing the valid names.
std::optional<LayerKind> try_parse_layer_kind(const std::string& name);
LayerKind parse_layer_kind(const std::string& name);
const std::vector<LayerKind>& all_layer_kinds();

struct HookPoint {
  int64_t block = 0;
  LayerKind kind = LayerKind::q_proj;

  bool operator==(const HookPoint& other) const { return block == other.block && kind == other.kind; }
  bool operator!=(const HookPoint& other) const { return !(*this == other); }
};
std::string to_string(const HookPoint& point);  // "3.v_proj"

// The layer kinds one block of a family computes, in execution order.
const std::vector<LayerKind>& block_layer_kinds(modelio::ArchitectureFamily family);
// Every hook point of a model: blocks 0..n-1, each with block_layer_kinds().
std::vector<HookPoint> hook_points(const modelio::ModelConfig& config);

}  // namespace beamline::runtime
