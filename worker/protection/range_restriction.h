#pragma once
// The correction every protection applies at a hook point, in place:
// out-of-bound values become the bound (clip_to_bound) or 0 (clip_to_zero),
// and NaN becomes 0 when asked. Returns how many values of each batch row
// it changed ([batch] int64), the "detected" count of a trial.
#include <ATen/core/Tensor.h>

#include "worker/protection/protection_kind.h"

namespace beamline::protection {

// low/high: scalars or tensors broadcastable to x (per-row bounds are
// [batch, 1, 1]).
at::Tensor restrict_range(at::Tensor& x, const at::Tensor& low, const at::Tensor& high, CorrectionPolicy policy,
                          bool nan_to_zero);

// NaN -> 0 only.
at::Tensor zero_nan(at::Tensor& x);

}  // namespace beamline::protection
