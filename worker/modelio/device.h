#pragma once
// The one place where RunOptions become LibTorch devices and dtypes, so CPU
// vs CUDA and native vs emulated float16 are decided once.
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

#include "worker/modelio/run_options.h"

namespace beamline::modelio {

struct Placement {
  c10::Device device = c10::Device(c10::DeviceType::CPU);
  // The dtype weights are kept in on the device.
  c10::ScalarType storage_dtype = c10::ScalarType::Float;
  // The dtype activations and matmuls run in.
  c10::ScalarType compute_dtype = c10::ScalarType::Float;
  // CPU float16: storage and compute are float32, the weights hold only
  // float16-representable values, and the runtime rounds every hook-point
  // output through float16 (DESIGN.md "Half precision").
  bool emulate_float16 = false;
};

// "cpu", "cuda" (= cuda:0) or "cuda:N". Checks syntax only; throws
// beamline::Error naming the text and what was expected.
c10::Device parse_device(const std::string& text);

// Throws beamline::Error when CUDA is asked for but this LibTorch has no
// usable CUDA (a CPU build, no driver, or N beyond the device count).
Placement resolve_placement(const RunOptions& options);

}  // namespace beamline::modelio
