#pragma once
// OPT (OPTForCausalLM): learned positions with an offset of 2, pre- or
// post-LayerNorm blocks, biased q/k/v/out_proj (out_proj reports as the
// o_proj hook point), fc1 -> activation -> fc2, project_in/project_out when
// word_embed_proj_dim differs from hidden_size, lm_head tied to the
// embedding.
#include <memory>

#include "worker/modelio/device.h"
#include "worker/modelio/model_config.h"
#include "worker/modelio/tensor_store.h"
#include "worker/runtime/causal_lm.h"

namespace beamline::runtime {

std::unique_ptr<CausalLM> make_opt(const modelio::ModelConfig& config, const modelio::TensorStore& store,
                                   const modelio::Placement& placement);

}  // namespace beamline::runtime
