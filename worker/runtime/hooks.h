#pragma once
// Hook points are where later stages (fault injection, protections, bound
// profiling) see and change a layer's output. The forward pass consults a
// HookSet once per hook point; with nothing attached that check is all it
// costs.
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <vector>

#include "worker/runtime/layer_kind.h"

namespace beamline::runtime {

class LayerHook {
 public:
  virtual ~LayerHook() = default;
  // `output` is the whole batch's output of the layer at this step,
  // [batch, positions, features], already rounded to the run precision
  // (float16-emulated runs: float32 holding float16-representable values).
  // `step` is the generation step: 0 is the prefill, s > 0 the step that
  // consumes the s-th generated token. A hook may modify `output` in place
  // or assign a tensor of the same shape, dtype and device; nothing else may
  // hold on to it past the call (the forward pass reuses the storage).
  virtual void on_output(const HookPoint& point, int64_t step, at::Tensor& output) = 0;
};

// Adapts a callable to LayerHook (tests, profiling).
class FunctionHook : public LayerHook {
 public:
  using Function = std::function<void(const HookPoint&, int64_t, at::Tensor&)>;
  explicit FunctionHook(Function function) : function_(std::move(function)) {}
  void on_output(const HookPoint& point, int64_t step, at::Tensor& output) override {
    function_(point, step, output);
  }

 private:
  Function function_;
};

// Which hooks run where. Owned by the caller of a forward step and read-only
// during it; hooks run in attachment order, point-specific ones after the
// ones attached everywhere.
class HookSet {
 public:
  void attach(const HookPoint& point, std::shared_ptr<LayerHook> hook);
  void attach_everywhere(std::shared_ptr<LayerHook> hook);
  void clear();
  bool empty() const { return everywhere_.empty() && attached_count_ == 0; }

  // The one check per hook point on the hot path.
  bool has(const HookPoint& point) const {
    if (!everywhere_.empty()) return true;
    const size_t slot = slot_of(point);
    return slot < by_point_.size() && !by_point_[slot].empty();
  }
  void run(const HookPoint& point, int64_t step, at::Tensor& output) const;

 private:
  static size_t slot_of(const HookPoint& point) {
    return static_cast<size_t>(point.block) * kLayerKindCount + static_cast<size_t>(point.kind);
  }
  std::vector<std::vector<std::shared_ptr<LayerHook>>> by_point_;
  std::vector<std::shared_ptr<LayerHook>> everywhere_;
  size_t attached_count_ = 0;
};

}  // namespace beamline::runtime
