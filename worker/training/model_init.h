#pragma once
// Fresh weights for a ModelShape under their Hugging Face names, drawn from
// LibTorch's global generator (seed it with torch::manual_seed first).
#include "worker/modelio/torch_safetensors_writer.h"
#include "worker/training/model_shape.h"

namespace beamline::training {

// float32, CPU. Matrices and embeddings ~ N(0, 0.02) as in HF's
// _init_weights; projections that write into the residual stream (o_proj,
// down_proj, out_proj, fc2) are scaled by 1/sqrt(2 * layers) (GPT-2), which
// keeps the residual's scale independent of depth; biases 0, norms 1.
modelio::NamedTensors initial_weights(const ModelShape& shape);

}  // namespace beamline::training
