#pragma once
// How a model computes: the dtype its matmuls run in and whether float16 is
// emulated (DESIGN.md "Half precision": LibTorch 1.13 has no CPU float16
// kernels, so a CPU float16 run computes in float32 and rounds to float16 at
// every hook point, norm output, residual add and the logits, so overflow
// and injected values behave as in float16).
#include <ATen/core/Tensor.h>

#include <string>

#include "worker/modelio/device.h"

namespace beamline::runtime {

struct Numerics {
  at::ScalarType compute_dtype = at::kFloat;
  bool emulate_float16 = false;

  // Identity unless emulating float16; then the float16 rounding of `t`
  // (still float32). Never in place: callers may hold `t` elsewhere.
  at::Tensor round(const at::Tensor& t) const;
  // "float32", "bfloat16", "float16" or "float16-emulated": the name results
  // and the CLI print.
  std::string name() const;
};

Numerics make_numerics(const modelio::Placement& placement);

}  // namespace beamline::runtime
