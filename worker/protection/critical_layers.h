#pragma once
// Critical layers, derived from the architecture by the FT2 study's
// heuristic (section 4.1): a linear layer is critical when no scaling
// operation or activation lies between it and the next linear layer, so an
// extreme faulty value reaches that layer undamped. q_proj and k_proj feed
// the scaled attention scores, fc1 and gate_proj feed the activation: not
// critical. v_proj, o_proj, up_proj, down_proj and fc2 reach the next linear
// layer through a weighted sum, a product or the residual stream: critical.
#include <string>
#include <vector>

#include "worker/modelio/model_config.h"
#include "worker/runtime/layer_kind.h"

namespace beamline::protection {

// What lies on the path from a linear layer's output to the next linear
// layer's input.
enum class PathOp {
  rotary,            // rotary position embedding (a rotation: norm-preserving)
  score_scaling,     // q.k^T / sqrt(head_dim): scaling
  attention_mixing,  // softmax weights times values: a convex combination
  activation,        // SiLU / ReLU
  gating_product,    // act(gate) * up
  residual_add,      // added into the residual stream
  normalization,     // RMSNorm / LayerNorm before the next block's linear layers
};

struct LinearPath {
  runtime::LayerKind layer;
  std::vector<PathOp> ops;  // in order, up to the next linear layer
};

// The dataflow of one block of the family, linear layer by linear layer.
const std::vector<LinearPath>& linear_paths(modelio::ArchitectureFamily family);

// The heuristic applied to linear_paths(): layers whose path holds no
// score_scaling and no activation, in block order.
std::vector<runtime::LayerKind> critical_layer_kinds(modelio::ArchitectureFamily family);

std::string to_string(PathOp op);

}  // namespace beamline::protection
