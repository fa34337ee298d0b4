#include "worker/protection/range_restriction.h"

#include <ATen/ATen.h>

namespace beamline::protection {
namespace {

at::Tensor per_row_count(const at::Tensor& changed) { return changed.flatten(1).sum(1); }

}  // namespace

at::Tensor restrict_range(at::Tensor& x, const at::Tensor& low, const at::Tensor& high, CorrectionPolicy policy,
                          bool nan_to_zero) {
  const at::Tensor lo = low.to(x.scalar_type());
  const at::Tensor hi = high.to(x.scalar_type());
  // Comparisons with NaN are false, so NaN is never "out of bounds" here.
  const at::Tensor outside = at::logical_or(at::lt(x, lo), at::gt(x, hi));
  at::Tensor changed = outside;
  if (policy == CorrectionPolicy::clip_to_bound) {
    x.copy_(at::where(at::lt(x, lo), lo, at::where(at::gt(x, hi), hi, x)));
  } else {
    x.masked_fill_(outside, 0);
  }
  if (nan_to_zero) {
    const at::Tensor nan = at::isnan(x);
    x.masked_fill_(nan, 0);
    changed = at::logical_or(changed, nan);
  }
  return per_row_count(changed);
}

at::Tensor zero_nan(at::Tensor& x) {
  const at::Tensor nan = at::isnan(x);
  x.masked_fill_(nan, 0);
  return per_row_count(nan);
}

}  // namespace beamline::protection
