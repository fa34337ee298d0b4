#include "common/fault/bit_flip.h"

#include "common/error.h"
#include "common/fault/float_bits.h"

namespace beamline::fault {
namespace {
constexpr int kMaskBits = 32;
}  // namespace

float flip_value(float value, NumericFormat format, std::uint32_t mask) {
  switch (format) {
    case NumericFormat::fp32:
      return bits_to_float(flip_bits(float_to_bits(value), mask));
    case NumericFormat::bf16:
      return bf16_bits_to_float(
          static_cast<std::uint16_t>(flip_bits(float_to_bf16_bits(value), mask)));
    case NumericFormat::fp16:
      return fp16_bits_to_float(
          static_cast<std::uint16_t>(flip_bits(float_to_fp16_bits(value), mask)));
  }
  return value;  // unreachable: every format is handled above
}

std::vector<int> bit_positions(std::uint32_t mask) {
  std::vector<int> positions;
  for (int bit = 0; bit < kMaskBits; ++bit) {
    if ((mask >> bit) & 1U) positions.push_back(bit);
  }
  return positions;
}

std::uint32_t mask_from_bit_positions(const std::vector<int>& positions) {
  std::uint32_t mask = 0;
  for (const int bit : positions) {
    if (bit < 0 || bit >= kMaskBits) {
      throw Error("bit position " + std::to_string(bit) + " is outside 0..31");
    }
    mask |= std::uint32_t{1} << bit;
  }
  return mask;
}

}  // namespace beamline::fault
