#include "worker/protection/bound_recorder.h"

#include <ATen/ATen.h>

namespace beamline::protection {

void BoundRecorder::on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) {
  const at::Tensor values = output.to(at::kFloat);
  bounds_.widen(point, values.min().item<float>(), values.max().item<float>());
}

}  // namespace beamline::protection
