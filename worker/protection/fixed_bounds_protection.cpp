#include "worker/protection/fixed_bounds_protection.h"

#include <ATen/ATen.h>
#include <fmt/core.h>

#include "common/error.h"
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
    bounds_[runtime::to_string(point)] = *b;
  }
}

void FixedBoundsProtection::on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) {
  const auto it = bounds_.find(runtime::to_string(point));
  if (it == bounds_.end()) return;
  const auto options = at::TensorOptions().dtype(at::kFloat).device(output.device());
  count(restrict_range(output, at::scalar_tensor(it->second.low, options), at::scalar_tensor(it->second.high, options),
                       policy_, nan_to_zero_));
}

std::shared_ptr<Protection> FixedBoundsProtection::with_rows(const at::Tensor& rows) const {
  auto copy = std::make_shared<FixedBoundsProtection>(*this);
  if (corrections_.defined()) copy->corrections_ = corrections_.index_select(0, rows.to(corrections_.device()));
  return copy;
}

}  // namespace beamline::protection
