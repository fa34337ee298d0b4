#pragma once
// Offline bound profiling: a hook that widens each hook point's bounds to
// the min and max of every output it sees (all rows, all steps).
#include "worker/protection/layer_bounds.h"
#include "worker/runtime/hooks.h"

namespace beamline::protection {

class BoundRecorder : public runtime::LayerHook {
 public:
  void on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) override;
  LayerBounds& bounds() { return bounds_; }

 private:
  LayerBounds bounds_;
};

}  // namespace beamline::protection
