#pragma once
// FT2 (../shared/seeds/002_*.txt, section 4): on the critical layers, the
// first token's generation (step 0) corrects NaN and records each row's
// min and max per layer; the bounds are those widened by `scale`; from the
// second token on, out-of-bound values are corrected by the policy and NaN
// set to 0. Each row has its own bounds: a fault at step 0 changes only
// that row's bounds, as in a real deployment.
#include <optional>
#include <vector>

#include "worker/protection/protection.h"

namespace beamline::protection {

class Ft2Protection : public Protection {
 public:
  Ft2Protection(std::vector<runtime::HookPoint> points, CorrectionPolicy policy, double scale);
  void on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) override;
  std::shared_ptr<Protection> with_rows(const at::Tensor& rows) const override;
  bool same_row_state(int64_t row, const Protection& other, int64_t other_row) const override;
  void complete_rows(int64_t rows) override;

  // [batch, 1, 1] float32 bounds of a point, undefined before step 0 ran.
  std::pair<at::Tensor, at::Tensor> bounds(const runtime::HookPoint& point) const;

 private:
  struct RowBounds {
    at::Tensor low;   // [batch, 1, 1] float32
    at::Tensor high;  // [batch, 1, 1] float32
    // The observed min and max before widening, kept only in a prefill run
    // in chunks (set_prefill_chunk), whose later chunks widen them.
    at::Tensor seen_low;
    at::Tensor seen_high;
  };
  // Indexed by hook-point slot (block * kLayerKindCount + kind): the hot
  // path looks a point up without building its name.
  static size_t slot_of(const runtime::HookPoint& point) {
    return static_cast<size_t>(point.block) * runtime::kLayerKindCount + static_cast<size_t>(point.kind);
  }
  std::vector<bool> guarded_;
  std::vector<std::optional<RowBounds>> bounds_;
  CorrectionPolicy policy_;
  double scale_;
};

}  // namespace beamline::protection
