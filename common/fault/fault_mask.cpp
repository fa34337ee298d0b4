#include "common/fault/fault_mask.h"

#include "common/error.h"

namespace beamline::fault {
namespace {

std::uint32_t bit(std::uint64_t position) { return std::uint32_t{1} << position; }

}  // namespace

bool has_element_mask(FaultModel model) {
  switch (model) {
    case FaultModel::single_bit:
    case FaultModel::double_bit:
    case FaultModel::exponent_bit:
    case FaultModel::none:
      return true;
    case FaultModel::bit_error_rate:
    case FaultModel::value_uniform01:
      return false;
  }
  return false;
}

std::uint32_t draw_fault_mask(FaultModel model, NumericFormat format, CounterRng& rng) {
  const FormatLayout layout = layout_of(format);
  const auto width = static_cast<std::uint64_t>(layout.total_bits());
  switch (model) {
    case FaultModel::none:
      return 0;
    case FaultModel::single_bit:
      return bit(rng.uniform_below(width));
    case FaultModel::double_bit: {
      // Second position from the width-1 others, skipping the first: every
      // unordered pair has probability 2 / (width (width-1)).
      const std::uint64_t first = rng.uniform_below(width);
      std::uint64_t second = rng.uniform_below(width - 1);
      if (second >= first) ++second;
      return bit(first) | bit(second);
    }
    case FaultModel::exponent_bit:
      return bit(static_cast<std::uint64_t>(layout.first_exponent_bit()) +
                 rng.uniform_below(static_cast<std::uint64_t>(layout.exponent_bits)));
    case FaultModel::bit_error_rate:
    case FaultModel::value_uniform01:
      break;
  }
  throw Error("fault model " + to_string(model) +
              " has no single-element bit mask (expected single_bit, double_bit, "
              "exponent_bit or none)");
}

}  // namespace beamline::fault
