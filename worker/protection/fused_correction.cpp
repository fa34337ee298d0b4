#include "worker/protection/fused_correction.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <limits>

namespace beamline::protection {
namespace {

// Rows at or above this many elements in total are split across threads;
// below it the thread hand-off costs more than the pass.
constexpr int64_t kParallelGrain = 1 << 15;

template <typename T>
float as_float(T v) {
  return static_cast<float>(v);
}

// The bound as the composite path sees it: rounded to the tensor's dtype.
template <typename T>
float rounded_bound(float bound) {
  return static_cast<float>(static_cast<T>(bound));
}

// Splits rows across threads only when there is enough work: a decode
// step's output is one position per row, and parallel_for's bookkeeping
// would cost more than the pass.
template <typename F>
void for_rows(int64_t rows, int64_t per_row, const F& body) {
  if (rows * per_row < kParallelGrain) {
    body(0, rows);
    return;
  }
  at::parallel_for(0, rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(per_row, 1)), body);
}

template <typename T>
void restrict_rows(T* data, int64_t rows, int64_t per_row, const float* low, const float* high, bool per_row_bounds,
                   CorrectionPolicy policy, bool nan_to_zero, int64_t* counts) {
  const bool to_bound = policy == CorrectionPolicy::clip_to_bound;
  for_rows(rows, per_row, [&](int64_t begin, int64_t end) {
                     for (int64_t r = begin; r < end; ++r) {
                       const float lo = rounded_bound<T>(low[per_row_bounds ? r : 0]);
                       const float hi = rounded_bound<T>(high[per_row_bounds ? r : 0]);
                       const T lo_value = static_cast<T>(lo);
                       const T hi_value = static_cast<T>(hi);
                       const T zero = static_cast<T>(0.0F);
                       T* row = data + r * per_row;
                       int64_t changed = 0;
                       for (int64_t i = 0; i < per_row; ++i) {
                         const float v = as_float(row[i]);
                         // NaN compares false both ways: it is never out of bounds.
                         if (v < lo) {
                           row[i] = to_bound ? lo_value : zero;
                           ++changed;
                         } else if (v > hi) {
                           row[i] = to_bound ? hi_value : zero;
                           ++changed;
                         } else if (nan_to_zero && std::isnan(v)) {
                           row[i] = zero;
                           ++changed;
                         }
                       }
                       counts[r] += changed;
                     }
                   });
}

template <typename T>
void zero_nan_min_max_rows(T* data, int64_t rows, int64_t per_row, int64_t* counts, float* row_min, float* row_max) {
  for_rows(rows, per_row, [&](int64_t begin, int64_t end) {
                     for (int64_t r = begin; r < end; ++r) {
                       T* row = data + r * per_row;
                       int64_t nan = 0;
                       float lo = std::numeric_limits<float>::infinity();
                       float hi = -std::numeric_limits<float>::infinity();
                       for (int64_t i = 0; i < per_row; ++i) {
                         float v = as_float(row[i]);
                         if (std::isnan(v)) {
                           row[i] = static_cast<T>(0.0F);
                           v = 0.0F;
                           ++nan;
                         }
                         lo = std::min(lo, v);
                         hi = std::max(hi, v);
                       }
                       counts[r] += nan;
                       row_min[r] = lo;
                       row_max[r] = hi;
                     }
                   });
}

}  // namespace

bool fused_supported(const at::Tensor& x) {
  return x.device().is_cpu() && x.dim() >= 1 && x.size(0) > 0 && x.is_contiguous() &&
         (x.scalar_type() == at::kFloat || x.scalar_type() == at::kBFloat16);
}

void fused_restrict_range(at::Tensor& x, const at::Tensor& low, const at::Tensor& high, CorrectionPolicy policy,
                          bool nan_to_zero, at::Tensor& counts) {
  const int64_t rows = x.size(0);
  const int64_t per_row = rows == 0 ? 0 : x.numel() / rows;
  const at::Tensor lo = low.to(at::kCPU, at::kFloat).contiguous();
  const at::Tensor hi = high.to(at::kCPU, at::kFloat).contiguous();
  const bool per_row_bounds = lo.numel() != 1;
  TORCH_CHECK(!per_row_bounds || (lo.numel() == rows && hi.numel() == rows), "bounds: one value or one per row");
  TORCH_CHECK(counts.is_contiguous() && counts.scalar_type() == at::kLong && counts.numel() == rows,
              "counts: [batch] int64");
  int64_t* c = counts.data_ptr<int64_t>();
  if (x.scalar_type() == at::kFloat) {
    restrict_rows(x.data_ptr<float>(), rows, per_row, lo.data_ptr<float>(), hi.data_ptr<float>(), per_row_bounds,
                  policy, nan_to_zero, c);
  } else {
    restrict_rows(x.data_ptr<at::BFloat16>(), rows, per_row, lo.data_ptr<float>(), hi.data_ptr<float>(),
                  per_row_bounds, policy, nan_to_zero, c);
  }
}

void fused_restrict_range(at::Tensor& x, const float* low, const float* high, bool per_row_bounds,
                          CorrectionPolicy policy, bool nan_to_zero, at::Tensor& counts) {
  const int64_t rows = x.size(0);
  const int64_t per_row = rows == 0 ? 0 : x.numel() / rows;
  int64_t* c = counts.data_ptr<int64_t>();
  if (x.scalar_type() == at::kFloat) {
    restrict_rows(x.data_ptr<float>(), rows, per_row, low, high, per_row_bounds, policy, nan_to_zero, c);
  } else {
    restrict_rows(x.data_ptr<at::BFloat16>(), rows, per_row, low, high, per_row_bounds, policy, nan_to_zero, c);
  }
}

void fused_zero_nan_min_max(at::Tensor& x, at::Tensor& counts, at::Tensor& row_min, at::Tensor& row_max) {
  const int64_t rows = x.size(0);
  const int64_t per_row = rows == 0 ? 0 : x.numel() / rows;
  row_min = at::empty({rows}, at::kFloat);
  row_max = at::empty({rows}, at::kFloat);
  int64_t* c = counts.data_ptr<int64_t>();
  if (x.scalar_type() == at::kFloat) {
    zero_nan_min_max_rows(x.data_ptr<float>(), rows, per_row, c, row_min.data_ptr<float>(), row_max.data_ptr<float>());
  } else {
    zero_nan_min_max_rows(x.data_ptr<at::BFloat16>(), rows, per_row, c, row_min.data_ptr<float>(),
                          row_max.data_ptr<float>());
  }
}

}  // namespace beamline::protection
