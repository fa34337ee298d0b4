#include "worker/protection/ft2_protection.h"

#include <ATen/ATen.h>
#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"
#include "worker/protection/range_restriction.h"

namespace beamline::protection {

Ft2Protection::Ft2Protection(std::vector<runtime::HookPoint> points, CorrectionPolicy policy, double scale)
    : Protection(std::move(points)), policy_(policy), scale_(scale) {
  if (!(scale >= 1.0)) throw Error(fmt::format("ft2 scale {}: expected a number >= 1", scale));
}

void Ft2Protection::on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) {
  const std::string key = runtime::to_string(point);
  if (std::find(points_.begin(), points_.end(), point) == points_.end()) return;
  if (step == 0) {
    count(zero_nan(output));
    const at::Tensor flat = output.flatten(1).to(at::kFloat);
    const at::Tensor low = std::get<0>(flat.min(1));
    const at::Tensor high = std::get<0>(flat.max(1));
    // "min and max times a scale": widened away from the observed range by
    // (scale - 1) of its magnitude, which is min * scale and max * scale in
    // the usual case (min < 0 < max) and never narrows the range otherwise.
    const double widen = scale_ - 1.0;
    bounds_[key] = {(low - widen * low.abs()).view({-1, 1, 1}), (high + widen * high.abs()).view({-1, 1, 1})};
    return;
  }
  const auto it = bounds_.find(key);
  if (it == bounds_.end()) {
    throw Error(fmt::format("ft2: step {} at {} before the first token recorded bounds", step, key));
  }
  count(restrict_range(output, it->second.low, it->second.high, policy_, /*nan_to_zero=*/true));
}

std::shared_ptr<Protection> Ft2Protection::with_rows(const at::Tensor& rows) const {
  auto copy = std::make_shared<Ft2Protection>(*this);
  for (auto& [key, b] : copy->bounds_) {
    const at::Tensor r = rows.to(b.low.device());
    b = {b.low.index_select(0, r), b.high.index_select(0, r)};
  }
  if (corrections_.defined()) copy->corrections_ = corrections_.index_select(0, rows.to(corrections_.device()));
  return copy;
}

std::pair<at::Tensor, at::Tensor> Ft2Protection::bounds(const runtime::HookPoint& point) const {
  const auto it = bounds_.find(runtime::to_string(point));
  if (it == bounds_.end()) return {};
  return {it->second.low, it->second.high};
}

}  // namespace beamline::protection
