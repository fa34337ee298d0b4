#pragma once
// Llama family: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM.
// RMSNorm, rotary embeddings, grouped-query attention, SwiGLU MLP, optional
// q/k/v(/o) biases, tied or untied lm_head, Mistral's sliding window.
#include <memory>

#include "worker/modelio/device.h"
#include "worker/modelio/model_config.h"
#include "worker/modelio/tensor_store.h"
#include "worker/runtime/causal_lm.h"

namespace beamline::runtime {

std::unique_ptr<CausalLM> make_llama(const modelio::ModelConfig& config, const modelio::TensorStore& store,
                                     const modelio::Placement& placement);

}  // namespace beamline::runtime
