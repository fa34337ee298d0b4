#include "worker/protection/ft2_protection.h"

#include <ATen/ATen.h>
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/error.h"
#include "worker/protection/fused_correction.h"
#include "worker/protection/range_restriction.h"

namespace beamline::protection {
namespace {

bool same_bits(const at::Tensor& a, int64_t row_a, const at::Tensor& b, int64_t row_b) {
  return at::equal(a[row_a].view(at::kInt), b[row_b].to(a.device()).view(at::kInt));
}

}  // namespace

Ft2Protection::Ft2Protection(std::vector<runtime::HookPoint> points, CorrectionPolicy policy, double scale)
    : Protection(std::move(points)), policy_(policy), scale_(scale) {
  if (!(scale >= 1.0)) throw Error(fmt::format("ft2 scale {}: expected a number >= 1", scale));
  for (const auto& point : points_) {
    const size_t slot = slot_of(point);
    if (slot >= guarded_.size()) {
      guarded_.resize(slot + 1, false);
      bounds_.resize(slot + 1);
    }
    guarded_[slot] = true;
  }
}

void Ft2Protection::on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) {
  const size_t slot = slot_of(point);
  if (slot >= guarded_.size() || !guarded_[slot]) return;
  at::Tensor counts = counter(output);
  if (step == 0) {
    at::Tensor low, high;
    zero_nan_min_max(output, counts, low, high);
    // A later chunk of a chunked prefill: the range so far and this chunk's
    // (min and max are exact, so this is the whole prompt's range).
    const auto& so_far = bounds_[slot];
    if (prefill_chunk_ > 0 && so_far && so_far->seen_low.defined()) {
      low = at::minimum(low, rows_of(so_far->seen_low, output).to(low.device()));
      high = at::maximum(high, rows_of(so_far->seen_high, output).to(high.device()));
    }
    at::Tensor seen_low, seen_high;
    if (prefill_chunk_ >= 0) {
      seen_low = low.clone();
      seen_high = high.clone();
    }
    // "min and max times a scale": widened away from the observed range by
    // (scale - 1) of its magnitude, which is min * scale and max * scale in
    // the usual case (min < 0 < max) and never narrows the range otherwise.
    const double widen = scale_ - 1.0;
    if (low.device().is_cpu() && low.is_contiguous() && high.is_contiguous() && low.scalar_type() == at::kFloat) {
      // The same float arithmetic as the tensor expression below (ATen
      // multiplies a float tensor by the scalar rounded to float), without
      // its dispatches: this runs at every guarded point of every prefill.
      const float w = static_cast<float>(widen);
      float* lo = low.data_ptr<float>();
      float* hi = high.data_ptr<float>();
      for (int64_t r = 0; r < low.numel(); ++r) {
        const float lo_step = w * std::fabs(lo[r]);
        const float hi_step = w * std::fabs(hi[r]);
        lo[r] = lo[r] - lo_step;
        hi[r] = hi[r] + hi_step;
      }
      bounds_[slot] = RowBounds{low.view({-1, 1, 1}), high.view({-1, 1, 1}), seen_low, seen_high};
      return;
    }
    bounds_[slot] = RowBounds{(low - widen * low.abs()).view({-1, 1, 1}), (high + widen * high.abs()).view({-1, 1, 1}),
                              seen_low, seen_high};
    return;
  }
  const auto& b = bounds_[slot];
  if (!b) {
    throw Error(fmt::format("ft2: step {} at {} before the first token recorded bounds", step,
                            runtime::to_string(point)));
  }
  // The hot path (every guarded output of every later step): on the CPU
  // the bounds are read in place, no tensor op between the hook and the
  // pass.
  if (output.device().is_cpu() && output.is_contiguous() && fused_supported(output) && counts.device().is_cpu() &&
      b->low.device().is_cpu() && b->low.is_contiguous() && b->high.is_contiguous() &&
      b->low.numel() >= output.size(0) && counts.numel() == output.size(0)) {
    // An output of fewer rows is the batch's first: their bounds lead.
    fused_restrict_range(output, b->low.data_ptr<float>(), b->high.data_ptr<float>(), /*per_row_bounds=*/true,
                         policy_, /*nan_to_zero=*/true, counts);
    return;
  }
  restrict_range_add(output, rows_of(b->low, output), rows_of(b->high, output), policy_, /*nan_to_zero=*/true, counts);
}

std::shared_ptr<Protection> Ft2Protection::with_rows(const at::Tensor& rows) const {
  auto copy = std::make_shared<Ft2Protection>(*this);
  for (auto& b : copy->bounds_) {
    if (!b) continue;
    const at::Tensor r = rows.to(b->low.device());
    const auto pick = [&r](const at::Tensor& t) { return t.defined() ? t.index_select(0, r) : t; };
    b = RowBounds{pick(b->low), pick(b->high), pick(b->seen_low), pick(b->seen_high)};
  }
  if (corrections_.defined()) copy->corrections_ = corrections_.index_select(0, rows.to(corrections_.device()));
  return copy;
}

void Ft2Protection::complete_rows(int64_t rows) {
  const auto complete = [rows](const at::Tensor& t) {
    if (!t.defined() || t.size(0) >= rows) return t;
    std::vector<int64_t> shape = t.sizes().vec();
    shape[0] = rows - t.size(0);
    return at::cat({t, t.narrow(0, 0, 1).expand(shape)}, 0);
  };
  for (auto& b : bounds_) {
    if (b) b = RowBounds{complete(b->low), complete(b->high), complete(b->seen_low), complete(b->seen_high)};
  }
}

bool Ft2Protection::same_row_state(int64_t row, const Protection& other, int64_t other_row) const {
  const auto* theirs = dynamic_cast<const Ft2Protection*>(&other);
  if (theirs == nullptr || theirs->bounds_.size() != bounds_.size()) return false;
  for (size_t slot = 0; slot < bounds_.size(); ++slot) {
    const auto& a = bounds_[slot];
    const auto& b = theirs->bounds_[slot];
    if (a.has_value() != b.has_value()) return false;
    if (!a) continue;
    if (!same_bits(a->low, row, b->low, other_row) || !same_bits(a->high, row, b->high, other_row)) return false;
  }
  return true;
}

std::pair<at::Tensor, at::Tensor> Ft2Protection::bounds(const runtime::HookPoint& point) const {
  const size_t slot = slot_of(point);
  if (slot >= bounds_.size() || !bounds_[slot]) return {};
  return {bounds_[slot]->low, bounds_[slot]->high};
}

}  // namespace beamline::protection
