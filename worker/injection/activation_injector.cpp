#include "worker/injection/activation_injector.h"

#include <ATen/ATen.h>
#include <fmt/core.h>

#include "common/error.h"
#include "common/fault/bit_flip.h"

namespace beamline::injection {

fault::NumericFormat hook_point_format(const runtime::Numerics& numerics) {
  if (numerics.emulate_float16) return fault::NumericFormat::fp16;
  switch (numerics.compute_dtype) {
    case at::kFloat: return fault::NumericFormat::fp32;
    case at::kBFloat16: return fault::NumericFormat::bf16;
    case at::kHalf: return fault::NumericFormat::fp16;
    default: break;
  }
  throw Error(fmt::format("fault injection: unsupported compute dtype {}", c10::toString(numerics.compute_dtype)));
}

std::pair<float, float> flip_element(at::Tensor& output, int64_t row, int64_t index, std::uint32_t bits,
                                     fault::NumericFormat format) {
  // Linear outputs are contiguous; anything else is made so (the hook may
  // replace the tensor it is given) so the element below is a view.
  if (!output.is_contiguous()) output = output.contiguous();
  at::Tensor row_values = output.select(0, row);
  const int64_t count = row_values.numel();
  if (index < 0 || index >= count) {
    throw Error(fmt::format("site index {} is outside the layer output of {} elements at that step", index, count));
  }
  // Flip the stored encoding itself (an integer view of the same memory), so
  // NaN payloads survive exactly. Emulated float16 lives in float32 tensors:
  // its encoding is computed, and any NaN it yields is re-rounded to float16
  // at the next hook point anyway.
  at::Tensor element = row_values.view({-1}).narrow(0, index, 1);
  const float before = element.item<float>();
  const bool stored_as_format = (format == fault::NumericFormat::fp32 && output.scalar_type() == at::kFloat) ||
                                (format == fault::NumericFormat::bf16 && output.scalar_type() == at::kBFloat16) ||
                                (format == fault::NumericFormat::fp16 && output.scalar_type() == at::kHalf);
  if (stored_as_format) {
    const auto int_type = output.element_size() == 4 ? at::kInt : at::kShort;
    const int64_t mask = output.element_size() == 4 ? static_cast<int64_t>(static_cast<int32_t>(bits))
                                                    : static_cast<int64_t>(static_cast<int16_t>(bits));
    element.view(int_type).bitwise_xor_(mask);
  } else {
    element.fill_(fault::flip_value(before, format, bits));
  }
  return {before, element.item<float>()};
}

ActivationInjector::ActivationInjector(std::vector<std::optional<sites::ActivationSite>> sites,
                                       fault::NumericFormat format)
    : format_(format), injected_(sites.size(), false), before_(sites.size(), 0.0F), after_(sites.size(), 0.0F) {
  for (size_t row = 0; row < sites.size(); ++row) {
    if (!sites[row]) continue;
    const auto& s = *sites[row];
    sites_.push_back({row, {s.block, runtime::parse_layer_kind(s.layer)}, s.step, s.index, s.bits});
  }
}

std::vector<runtime::HookPoint> ActivationInjector::points() const {
  std::vector<runtime::HookPoint> points;
  for (const auto& s : sites_) {
    bool seen = false;
    for (const auto& p : points) seen = seen || p == s.point;
    if (!seen) points.push_back(s.point);
  }
  return points;
}

void ActivationInjector::on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) {
  for (const RowSite& s : sites_) {
    if (s.step != step || s.point != point) continue;
    if (s.index >= output.select(0, static_cast<int64_t>(s.row)).numel()) continue;
    const auto [before, after] = flip_element(output, static_cast<int64_t>(s.row), s.index, s.bits, format_);
    injected_[s.row] = true;
    before_[s.row] = before;
    after_[s.row] = after;
  }
}

}  // namespace beamline::injection
