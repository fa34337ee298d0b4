#pragma once
// The correction every protection applies at a hook point, in place:
// out-of-bound values become the bound (clip_to_bound) or 0 (clip_to_zero),
// and NaN becomes 0 when asked. The counts are how many values of each
// batch row changed, the "detected" count of a trial.
//
// CPU float32/bfloat16 outputs take the fused single pass
// (fused_correction.h); anything else the composite ATen expressions below,
// which define the semantics.
#include <ATen/core/Tensor.h>

#include "worker/protection/protection_kind.h"

namespace beamline::protection {

// low/high: scalars or tensors broadcastable to x (per-row bounds are
// [batch, 1, 1]). Returns [batch] int64 counts.
at::Tensor restrict_range(at::Tensor& x, const at::Tensor& low, const at::Tensor& high, CorrectionPolicy policy,
                          bool nan_to_zero);
// The same, adding the counts into `counts` ([batch] int64 on x's device).
void restrict_range_add(at::Tensor& x, const at::Tensor& low, const at::Tensor& high, CorrectionPolicy policy,
                        bool nan_to_zero, at::Tensor& counts);

// NaN -> 0 only.
at::Tensor zero_nan(at::Tensor& x);
// NaN -> 0 (counts += per row), then each row's min and max over all its
// values ([batch] float32 on x's device): ft2's first token.
void zero_nan_min_max(at::Tensor& x, at::Tensor& counts, at::Tensor& row_min, at::Tensor& row_max);

// The composite definitions, always through ATen ops (tests compare the
// fused pass with them).
at::Tensor restrict_range_composite(at::Tensor& x, const at::Tensor& low, const at::Tensor& high,
                                    CorrectionPolicy policy, bool nan_to_zero);
at::Tensor zero_nan_composite(at::Tensor& x);

}  // namespace beamline::protection
