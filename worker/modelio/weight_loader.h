#pragma once
// A model directory's safetensors checkpoint -> TensorStore in the run dtype
// on the run device.
#include <string>

#include "worker/modelio/device.h"
#include "worker/modelio/run_options.h"
#include "worker/modelio/tensor_store.h"

namespace beamline::modelio {

// Reads DIR/model.safetensors or the shards of DIR/model.safetensors.index.json
// (see SafetensorsCheckpoint), converting each tensor with to_run_tensor().
// Names are kept as in the files with two exceptions, both as transformers
// does: checkpoints saved from the bare base model ("decoder.layers.0...",
// "layers.0...") get the "model." prefix, and rotary_emb.inv_freq buffers
// (derived from rope_theta, recomputed by the runtime) are skipped.
// Throws beamline::Error naming the file at fault.
TensorStore load_weights(const std::string& model_dir, const RunOptions& options);
TensorStore load_weights(const std::string& model_dir, const Placement& placement);

}  // namespace beamline::modelio
