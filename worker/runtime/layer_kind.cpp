#include "worker/runtime/layer_kind.h"

#include <array>

#include "common/error.h"

namespace beamline::runtime {
namespace {

constexpr std::array<const char*, kLayerKindCount> kNames = {
    "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "fc1", "fc2", "act",
};

}  // namespace

std::string to_string(LayerKind kind) { return kNames.at(static_cast<size_t>(kind)); }

std::optional<LayerKind> try_parse_layer_kind(const std::string& name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return static_cast<LayerKind>(i);
  }
  return std::nullopt;
}

LayerKind parse_layer_kind(const std::string& name) {
  if (auto kind = try_parse_layer_kind(name)) return *kind;
  std::string valid;
  for (const char* n : kNames) valid += (valid.empty() ? "" : ", ") + std::string(n);
  throw Error("unknown layer kind '" + name + "' (expected one of: " + valid + ")");
}

const std::vector<LayerKind>& all_layer_kinds() {
  static const std::vector<LayerKind> kinds = [] {
    std::vector<LayerKind> out;
    for (int i = 0; i < kLayerKindCount; ++i) out.push_back(static_cast<LayerKind>(i));
    return out;
  }();
  return kinds;
}

std::string to_string(const HookPoint& point) { return std::to_string(point.block) + "." + to_string(point.kind); }

const std::vector<LayerKind>& block_layer_kinds(modelio::ArchitectureFamily family) {
  using K = LayerKind;
  static const std::vector<LayerKind> llama = {K::q_proj, K::k_proj,   K::v_proj, K::o_proj,
                                               K::gate_proj, K::up_proj, K::act,    K::down_proj};
  static const std::vector<LayerKind> opt = {K::q_proj, K::k_proj, K::v_proj, K::o_proj, K::fc1, K::act, K::fc2};
  return family == modelio::ArchitectureFamily::opt ? opt : llama;
}

std::vector<HookPoint> hook_points(const modelio::ModelConfig& config) {
  std::vector<HookPoint> points;
  const auto& kinds = block_layer_kinds(config.family);
  points.reserve(static_cast<size_t>(config.num_hidden_layers) * kinds.size());
  for (int64_t block = 0; block < config.num_hidden_layers; ++block) {
    for (LayerKind kind : kinds) points.push_back({block, kind});
  }
  return points;
}

}  // namespace beamline::runtime
