#include "worker/protection/range_restriction.h"

#include <ATen/ATen.h>

#include "worker/protection/fused_correction.h"

namespace beamline::protection {
namespace {

at::Tensor per_row_count(const at::Tensor& changed) { return changed.flatten(1).sum(1); }

// A hook may replace the tensor it is given, so a strided output is made
// contiguous (and assigned) rather than sent down the slow path.
void make_fusable(at::Tensor& x) {
  if (x.device().is_cpu() && !x.is_contiguous()) x = x.contiguous();
}

}  // namespace

at::Tensor restrict_range_composite(at::Tensor& x, const at::Tensor& low, const at::Tensor& high,
                                    CorrectionPolicy policy, bool nan_to_zero) {
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

at::Tensor zero_nan_composite(at::Tensor& x) {
  const at::Tensor nan = at::isnan(x);
  x.masked_fill_(nan, 0);
  return per_row_count(nan);
}

void restrict_range_add(at::Tensor& x, const at::Tensor& low, const at::Tensor& high, CorrectionPolicy policy,
                        bool nan_to_zero, at::Tensor& counts) {
  make_fusable(x);
  if (fused_supported(x) && counts.device().is_cpu()) {
    fused_restrict_range(x, low, high, policy, nan_to_zero, counts);
  } else {
    counts.add_(restrict_range_composite(x, low, high, policy, nan_to_zero));
  }
}

at::Tensor restrict_range(at::Tensor& x, const at::Tensor& low, const at::Tensor& high, CorrectionPolicy policy,
                          bool nan_to_zero) {
  at::Tensor counts = at::zeros({x.size(0)}, x.options().dtype(at::kLong));
  restrict_range_add(x, low, high, policy, nan_to_zero, counts);
  return counts;
}

at::Tensor zero_nan(at::Tensor& x) {
  make_fusable(x);
  if (!fused_supported(x)) return zero_nan_composite(x);
  at::Tensor counts = at::zeros({x.size(0)}, x.options().dtype(at::kLong));
  at::Tensor row_min, row_max;
  fused_zero_nan_min_max(x, counts, row_min, row_max);
  return counts;
}

void zero_nan_min_max(at::Tensor& x, at::Tensor& counts, at::Tensor& row_min, at::Tensor& row_max) {
  make_fusable(x);
  if (fused_supported(x) && counts.device().is_cpu()) {
    fused_zero_nan_min_max(x, counts, row_min, row_max);
    return;
  }
  counts.add_(zero_nan_composite(x));
  const at::Tensor flat = x.flatten(1).to(at::kFloat);
  row_min = std::get<0>(flat.min(1));
  row_max = std::get<0>(flat.max(1));
}

}  // namespace beamline::protection
