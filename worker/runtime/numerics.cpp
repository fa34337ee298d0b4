#include "worker/runtime/numerics.h"

#include <torch/torch.h>

namespace beamline::runtime {

at::Tensor Numerics::round(const at::Tensor& t) const {
  if (!emulate_float16) return t;
  return t.to(at::kHalf).to(at::kFloat);
}

std::string Numerics::name() const {
  if (emulate_float16) return "float16-emulated";
  switch (compute_dtype) {
    case at::kFloat:
      return "float32";
    case at::kBFloat16:
      return "bfloat16";
    case at::kHalf:
      return "float16";
    default:
      return std::string(c10::toString(compute_dtype));
  }
}

Numerics make_numerics(const modelio::Placement& placement) {
  Numerics numerics;
  numerics.compute_dtype = placement.compute_dtype;
  numerics.emulate_float16 = placement.emulate_float16;
  return numerics;
}

}  // namespace beamline::runtime
