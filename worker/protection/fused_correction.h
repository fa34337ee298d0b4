#pragma once
// The protections' corrections as one in-place pass over a hooked output:
// each element is read once and written only when it changes, NaN
// correction and clamping decided together, and the per-row counts added
// into the protection's own counter without temporaries. This runs at
// every guarded hook point of every forward step, so on a small model the
// number of passes and allocations (not the arithmetic) is the cost.
//
// CPU tensors of float32 or bfloat16, contiguous, [batch, ...] only; other
// inputs go to the composite ATen path in range_restriction.cpp, which
// defines the semantics both must keep (tests compare them element for
// element).
#include <ATen/core/Tensor.h>

#include "worker/protection/protection_kind.h"

namespace beamline::protection {

// Whether the fused kernels handle `x` (else use the composite path).
bool fused_supported(const at::Tensor& x);

// Out-of-bound values -> the bound (clip_to_bound) or 0 (clip_to_zero), NaN
// -> 0 when nan_to_zero; counts[row] += values changed in that row.
// low/high: float32 CPU, one value for all rows or one per row (numel ==
// batch). Bounds are rounded to x's dtype before comparing, as the
// composite path does.
void fused_restrict_range(at::Tensor& x, const at::Tensor& low, const at::Tensor& high, CorrectionPolicy policy,
                          bool nan_to_zero, at::Tensor& counts);

// The same with bounds as host floats (one value, or one per row when
// per_row_bounds), for callers that keep them: no tensor op at all.
void fused_restrict_range(at::Tensor& x, const float* low, const float* high, bool per_row_bounds,
                          CorrectionPolicy policy, bool nan_to_zero, at::Tensor& counts);

// ft2's first token: NaN -> 0 (counts[row] += NaN found) and each row's
// min and max after the correction, written to row_min/row_max ([batch]
// float32 CPU).
void fused_zero_nan_min_max(at::Tensor& x, at::Tensor& counts, at::Tensor& row_min, at::Tensor& row_max);

}  // namespace beamline::protection
