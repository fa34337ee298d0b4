#pragma once
// What each hook point's values pass through before they reach the next
// linear layer, per family, as the forward passes in llama.cpp/opt.cpp
// compute them. The protection stage derives the critical layer set from
// this (a linear layer is critical when no scaling operation or activation
// lies on that path, as the FT2 study's heuristic says) instead of
// hard-coding names. Keep in step with the forward passes.
#include <string>
#include <vector>

#include "worker/modelio/model_config.h"
#include "worker/runtime/layer_kind.h"

namespace beamline::runtime {

enum class PathOp {
  rotary,           // rotary position embedding of q/k
  attention_scale,  // multiplication by 1/sqrt(head_dim)
  softmax,          // attention probabilities
  attention_mix,    // probabilities x values (a weighted sum, no scaling of its own)
  activation,       // the MLP's activation function
  gated_product,    // act(gate) * up
  residual_add,     // added into the residual stream
  norm,             // RMSNorm / LayerNorm in front of the next block's linear layers
};
std::string to_string(PathOp op);

// False for `act` (an activation output, not a linear layer).
bool is_linear(LayerKind kind);

// The operations between the output of `kind` and the input of the next
// linear layer, in order. Empty for kinds the family does not have.
std::vector<PathOp> path_to_next_linear(modelio::ArchitectureFamily family, LayerKind kind);

}  // namespace beamline::runtime
