#include "worker/protection/fixed_bounds_protection.h"

#include <ATen/ATen.h>
#include <fmt/core.h>

#include "common/error.h"
#include "worker/protection/fused_correction.h"
#include "worker/protection/range_restriction.h"

namespace beamline::protection {

FixedBoundsProtection::FixedBoundsProtection(std::vector<runtime::HookPoint> points, const LayerBounds& bounds,
                                             CorrectionPolicy policy, bool nan_to_zero)
    : Protection(std::move(points)), policy_(policy), nan_to_zero_(nan_to_zero) {
  for (const auto& point : points_) {
    const auto b = bounds.find(point);
    if (!b) {
      throw Error(fmt::format("bounds file has no bounds for {} (profile with `beamline profile` on this model)",
                              runtime::to_string(point)));
    }
    const size_t slot = slot_of(point);
    if (slot >= bounds_.size()) bounds_.resize(slot + 1);
    bounds_[slot] = PointBounds{at::scalar_tensor(b->low, at::kFloat), at::scalar_tensor(b->high, at::kFloat), b->low,
                                b->high};
  }
}

void FixedBoundsProtection::on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) {
  const size_t slot = slot_of(point);
  if (slot >= bounds_.size() || !bounds_[slot]) return;
  PointBounds& b = *bounds_[slot];
  at::Tensor counts = counter(output);
  if (fused_supported(output) && counts.device().is_cpu() && counts.numel() == output.size(0)) {
    fused_restrict_range(output, &b.low_value, &b.high_value, /*per_row_bounds=*/false, policy_, nan_to_zero_, counts);
    return;
  }
  if (b.low.device() != output.device()) {
    b.low = b.low.to(output.device());
    b.high = b.high.to(output.device());
  }
  restrict_range_add(output, b.low, b.high, policy_, nan_to_zero_, counts);
}

std::shared_ptr<Protection> FixedBoundsProtection::with_rows(const at::Tensor& rows) const {
  auto copy = std::make_shared<FixedBoundsProtection>(*this);
  if (corrections_.defined()) copy->corrections_ = corrections_.index_select(0, rows.to(corrections_.device()));
  return copy;
}

}  // namespace beamline::protection
