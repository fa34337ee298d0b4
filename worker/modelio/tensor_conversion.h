#pragma once
// One safetensors tensor (bytes in a mapped file) -> an owned at::Tensor in
// the run's storage dtype on the run's device.
#include <ATen/core/Tensor.h>

#include <string>

#include "worker/modelio/device.h"
#include "worker/modelio/safetensors_file.h"

namespace beamline::modelio {

// Reads the mapped bytes in place (no intermediate buffer) and copies them
// once into memory the returned tensor owns, so it outlives the mapping.
// F32/F16/BF16 only; any other dtype is a beamline::Error naming FILE and the
// tensor. Under emulated float16 the result is float32 holding values rounded
// through float16 (round to nearest even; beyond float16's range -> inf), so
// every weight is exactly float16-representable.
at::Tensor to_run_tensor(const SafetensorsTensorView& view, const std::string& file,
                         const Placement& placement);

}  // namespace beamline::modelio
