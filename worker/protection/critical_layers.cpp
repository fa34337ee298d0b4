#include "worker/protection/critical_layers.h"

#include <algorithm>

namespace beamline::protection {

using runtime::LayerKind;

const std::vector<LinearPath>& linear_paths(modelio::ArchitectureFamily family) {
  // Llama family: pre-RMSNorm attention with rotary q/k, SwiGLU MLP
  // down_proj(silu(gate_proj(x)) * up_proj(x)).
  static const std::vector<LinearPath> llama = {
      {LayerKind::q_proj, {PathOp::rotary, PathOp::score_scaling}},
      {LayerKind::k_proj, {PathOp::rotary, PathOp::score_scaling}},
      {LayerKind::v_proj, {PathOp::attention_mixing}},
      {LayerKind::o_proj, {PathOp::residual_add, PathOp::normalization}},
      {LayerKind::gate_proj, {PathOp::activation, PathOp::gating_product}},
      {LayerKind::up_proj, {PathOp::gating_product}},
      {LayerKind::down_proj, {PathOp::residual_add, PathOp::normalization}},
  };
  // OPT: pre-LayerNorm attention (q is scaled by head_dim^-0.5 before the
  // scores), ReLU MLP fc2(relu(fc1(x))).
  static const std::vector<LinearPath> opt = {
      {LayerKind::q_proj, {PathOp::score_scaling}},
      {LayerKind::k_proj, {PathOp::score_scaling}},
      {LayerKind::v_proj, {PathOp::attention_mixing}},
      {LayerKind::o_proj, {PathOp::residual_add, PathOp::normalization}},
      {LayerKind::fc1, {PathOp::activation}},
      {LayerKind::fc2, {PathOp::residual_add, PathOp::normalization}},
  };
  return family == modelio::ArchitectureFamily::opt ? opt : llama;
}

std::vector<LayerKind> critical_layer_kinds(modelio::ArchitectureFamily family) {
  std::vector<LayerKind> critical;
  for (const LinearPath& path : linear_paths(family)) {
    const bool damped = std::any_of(path.ops.begin(), path.ops.end(), [](PathOp op) {
      return op == PathOp::score_scaling || op == PathOp::activation;
    });
    if (!damped) critical.push_back(path.layer);
  }
  return critical;
}

std::string to_string(PathOp op) {
  switch (op) {
    case PathOp::rotary: return "rotary";
    case PathOp::score_scaling: return "score_scaling";
    case PathOp::attention_mixing: return "attention_mixing";
    case PathOp::activation: return "activation";
    case PathOp::gating_product: return "gating_product";
    case PathOp::residual_add: return "residual_add";
    case PathOp::normalization: return "normalization";
  }
  return "unknown";
}

}  // namespace beamline::protection
