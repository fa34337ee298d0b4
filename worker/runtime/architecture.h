#pragma once
// Config + tensors -> the architecture that config.json names.
#include <memory>

#include "worker/modelio/model_config.h"
#include "worker/modelio/run_options.h"
#include "worker/modelio/tensor_store.h"
#include "worker/runtime/causal_lm.h"

namespace beamline::runtime {

// Throws beamline::Error for an architecture this runtime does not build, or
// (from the store) for a missing or misshapen tensor, naming it.
std::unique_ptr<CausalLM> build_causal_lm(const modelio::ModelConfig& config, const modelio::TensorStore& store,
                                          const modelio::RunOptions& options);

}  // namespace beamline::runtime
