#pragma once
// The transient-fault injector: a LayerHook that flips the site's bits in
// one element of one row's output at the site's step and hook point. Each
// batch row carries its own site (or none); rows without one are untouched.
//
// The element index addresses the row's output at that step flattened as
// [positions, features] (common/sites/activation_site.h). The trial engine
// batches the trials of one input, so rows share the prompt and no row has
// left padding; with padding the index would count the padded columns too.
#include <ATen/core/Tensor.h>

#include <optional>
#include <vector>

#include "common/fault/numeric_format.h"
#include "common/sites/activation_site.h"
#include "worker/runtime/hooks.h"
#include "worker/runtime/numerics.h"

namespace beamline::injection {

// The encoding a run's values have at the hook points: what a bit flip acts
// on (float16-emulated runs hold float16 values in float32 tensors).
fault::NumericFormat hook_point_format(const runtime::Numerics& numerics);

class ActivationInjector : public runtime::LayerHook {
 public:
  // sites[row]: the site of batch row `row`, nullopt for a fault-free row.
  // Throws beamline::Error for a site naming an unknown layer.
  ActivationInjector(std::vector<std::optional<sites::ActivationSite>> sites, fault::NumericFormat format);

  // The hook points this injector must be attached at.
  std::vector<runtime::HookPoint> points() const;

  void on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) override;

  // Per row: whether its fault was applied (false until the site's step ran,
  // and for a site whose index lies outside the output it names).
  const std::vector<bool>& injected() const { return injected_; }
  // Per row: the value before and after the flip, once injected.
  const std::vector<float>& value_before() const { return before_; }
  const std::vector<float>& value_after() const { return after_; }

 private:
  struct RowSite {
    size_t row;
    runtime::HookPoint point;
    int64_t step;
    int64_t index;
    std::uint32_t bits;
  };
  std::vector<RowSite> sites_;
  fault::NumericFormat format_;
  std::vector<bool> injected_;
  std::vector<float> before_;
  std::vector<float> after_;
};

// Flips `bits` of element `index` of `row` in `output` ([batch, ...]) as an
// encoding of `format`; returns the values before and after. `output` is
// made contiguous first when it is not. Exposed for tests. Throws beamline::Error when index is outside the row.
std::pair<float, float> flip_element(at::Tensor& output, int64_t row, int64_t index, std::uint32_t bits,
                                     fault::NumericFormat format);

}  // namespace beamline::injection
