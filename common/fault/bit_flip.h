#pragma once
// Applying a fault: XOR a bit mask into an element's raw encoding. Masks are
// in the element's own bit numbering (bit 0 = lowest mantissa bit, see
// numeric_format.h) and never reach past its width.
//
// The injector should flip the raw storage of a tensor element (the 16-bit
// pattern of a bf16/fp16 element), not round-trip through float: a flip can
// make a NaN, and writing a NaN back through a float cast canonicalises its
// payload. flip_value is for callers that only hold a float (fp16 emulation,
// tests); it is exact whenever the result is not NaN.
#include <cstdint>
#include <string>
#include <vector>

#include "common/fault/numeric_format.h"

namespace beamline::fault {

// pattern XOR mask. Flipping the same mask twice restores the pattern.
constexpr std::uint32_t flip_bits(std::uint32_t pattern, std::uint32_t mask) {
  return pattern ^ mask;
}

// Encodes value in format (rounding as the format's tensor cast does),
// flips mask, decodes back to float.
float flip_value(float value, NumericFormat format, std::uint32_t mask);

// Bit positions of a mask, ascending ("bits=3,30" in a site), and back.
// mask_from_bit_positions throws beamline::Error for a position outside
// [0, 32).
std::vector<int> bit_positions(std::uint32_t mask);
std::uint32_t mask_from_bit_positions(const std::vector<int>& positions);

}  // namespace beamline::fault
