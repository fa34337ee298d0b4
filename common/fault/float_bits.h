#pragma once
// Raw bit patterns of fp32, bf16 and fp16 values, and conversions between a
// float and the 16-bit patterns.
//
// Encoding rounds to nearest, ties to even, exactly as PyTorch (c10) does when
// it casts float to bfloat16 or half, so a value this code produces is the
// value a tensor of that dtype would hold:
// - bf16: a NaN becomes the positive quiet NaN 0x7FC0 (c10 drops the sign);
//   finite values too large round to +-inf.
// - fp16: a NaN becomes 0x7E00 with the input's sign; |x| >= 65520 becomes
//   +-inf; results below 2^-14 are subnormal (no flush to zero).
// Decoding is exact: every non-NaN bf16 and fp16 pattern is a float value.
// NaNs stay NaN with their payload; fp16 NaNs also get the quiet bit, as in
// c10's half-to-float (bf16 decoding is a plain shift there and here).
#include <cstdint>

namespace beamline::fault {

std::uint32_t float_to_bits(float value);
float bits_to_float(std::uint32_t bits);

std::uint16_t float_to_bf16_bits(float value);
float bf16_bits_to_float(std::uint16_t bits);

std::uint16_t float_to_fp16_bits(float value);
float fp16_bits_to_float(std::uint16_t bits);

}  // namespace beamline::fault
