#include "worker/weightfaults/fault_plan.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"
#include "common/fault/float_bits.h"
#include "worker/weightfaults/binomial_sampler.h"

namespace beamline::weightfaults {
namespace {

// Where each tensor's slice of the flat index space starts.
std::vector<uint64_t> slice_starts(const std::vector<TensorExtent>& selection, bool per_bit) {
  std::vector<uint64_t> starts;
  uint64_t next = 0;
  for (const TensorExtent& t : selection) {
    starts.push_back(next);
    const auto width = per_bit ? static_cast<uint64_t>(bits_per_element(t.encoding)) : uint64_t{1};
    next += static_cast<uint64_t>(t.elements) * width;
  }
  starts.push_back(next);
  return starts;
}

float bits_value(fault::NumericFormat format, uint32_t bits) {
  switch (format) {
    case fault::NumericFormat::fp32: return fault::bits_to_float(bits);
    case fault::NumericFormat::bf16: return fault::bf16_bits_to_float(static_cast<uint16_t>(bits));
    case fault::NumericFormat::fp16: return fault::fp16_bits_to_float(static_cast<uint16_t>(bits));
  }
  return 0.0F;
}

uint32_t value_bits(fault::NumericFormat format, float value) {
  switch (format) {
    case fault::NumericFormat::fp32: return fault::float_to_bits(value);
    case fault::NumericFormat::bf16: return fault::float_to_bf16_bits(value);
    case fault::NumericFormat::fp16: return fault::float_to_fp16_bits(value);
  }
  return 0;
}

}  // namespace

uint32_t draw_uniform01_bits(CounterRng& rng, StorageEncoding encoding) {
  const fault::NumericFormat format = fault_format(encoding);
  while (true) {
    const auto u = static_cast<float>(rng.next_double());
    const uint32_t bits = value_bits(format, u);
    const float value = bits_value(format, bits);
    if (value > 0.0F && value < 1.0F) return bits;
  }
}

FaultPlan draw_fault_plan(CounterRng& rng, const std::vector<TensorExtent>& selection, fault::FaultModel model,
                          double rate) {
  if (model != fault::FaultModel::bit_error_rate && model != fault::FaultModel::value_uniform01) {
    throw Error(fmt::format("--fault {}: weight faults are bit_error_rate or value_uniform01", fault::to_string(model)));
  }
  if (!(rate >= 0.0 && rate <= 1.0)) throw Error(fmt::format("--rate {}: expected a probability in [0, 1]", rate));
  const bool per_bit = model == fault::FaultModel::bit_error_rate;
  const std::vector<uint64_t> starts = slice_starts(selection, per_bit);

  FaultPlan plan;
  plan.model = model;
  plan.rate = rate;
  plan.population = starts.back();
  plan.fault_count = draw_binomial(rng, plan.population, rate);
  const std::vector<uint64_t> positions = sample_distinct(rng, plan.population, plan.fault_count);

  size_t tensor = 0;
  for (const uint64_t position : positions) {  // ascending, so tensors and elements come in order
    while (position >= starts[tensor + 1]) ++tensor;
    const uint64_t offset = position - starts[tensor];
    const StorageEncoding encoding = selection[tensor].encoding;
    const auto width = per_bit ? static_cast<uint64_t>(bits_per_element(encoding)) : uint64_t{1};
    const auto element = static_cast<int64_t>(offset / width);
    const bool same_element = !plan.faults.empty() && plan.faults.back().tensor == tensor &&
                              plan.faults.back().element == element;
    if (!same_element) plan.faults.push_back({static_cast<uint32_t>(tensor), element, 0});
    if (per_bit) plan.faults.back().bits |= uint32_t{1} << (offset % width);
  }
  if (!per_bit) {
    // Drawn after every position, in position order: the values are part of
    // the same pure stream.
    for (ElementFault& f : plan.faults) f.bits = draw_uniform01_bits(rng, selection[f.tensor].encoding);
  }
  return plan;
}

}  // namespace beamline::weightfaults
