#include "common/fault/float_bits.h"

#include <cstring>

namespace beamline::fault {
namespace {

constexpr std::uint32_t kFp32SignMask = 0x80000000U;
constexpr std::uint32_t kFp32AbsMask = 0x7fffffffU;
constexpr std::uint32_t kFp32Infinity = 0x7f800000U;
constexpr std::uint32_t kFp32QuietNaNBit = 0x00400000U;
constexpr int kFp32MantissaBits = 23;
constexpr int kFp32ExponentBias = 127;

constexpr std::uint16_t kBf16CanonicalNaN = 0x7fc0;

constexpr int kFp16MantissaBits = 10;
constexpr int kFp16ExponentBias = 15;
constexpr std::uint32_t kFp16ExponentAllOnes = 0x1f;
constexpr std::uint32_t kFp16MantissaMask = 0x3ff;
constexpr std::uint16_t kFp16Infinity = 0x7c00;
constexpr std::uint16_t kFp16QuietNaN = 0x7e00;
// |x| at or above 65520 (largest half 65504 plus half an ulp, a tie that
// rounds to the even neighbour 2^16) overflows to infinity.
constexpr std::uint32_t kFp16OverflowThreshold = 0x477ff000U;  // 65520.0f
// Below 2^-14, the smallest normal half, results are subnormal.
constexpr std::uint32_t kFp16SmallestNormal = 0x38800000U;  // 2^-14
// fp32 mantissa bits dropped when narrowing to fp16.
constexpr int kFp16DroppedBits = kFp32MantissaBits - kFp16MantissaBits;
// Re-biasing the exponent field from fp32 (127) to fp16 (15).
constexpr std::uint32_t kFp32ToFp16BiasShift =
    static_cast<std::uint32_t>(kFp32ExponentBias - kFp16ExponentBias) << kFp16MantissaBits;

// Rounds value >> shift to nearest, ties to even (shift in 1..31).
std::uint32_t shift_right_round_even(std::uint32_t value, int shift) {
  const std::uint32_t kept = value >> shift;
  const std::uint32_t remainder = value & ((1U << shift) - 1U);
  const std::uint32_t half = 1U << (shift - 1);
  const bool round_up = remainder > half || (remainder == half && (kept & 1U) != 0);
  return kept + (round_up ? 1U : 0U);
}

}  // namespace

std::uint32_t float_to_bits(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float bits_to_float(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::uint16_t float_to_bf16_bits(float value) {
  const std::uint32_t bits = float_to_bits(value);
  if ((bits & kFp32AbsMask) > kFp32Infinity) return kBf16CanonicalNaN;
  // Adding 0x7fff plus the lowest kept bit rounds ties to even; a carry out
  // of the mantissa correctly bumps the exponent (up to infinity).
  const std::uint32_t lowest_kept_bit = (bits >> 16) & 1U;
  return static_cast<std::uint16_t>((bits + 0x7fffU + lowest_kept_bit) >> 16);
}

float bf16_bits_to_float(std::uint16_t bits) {
  return bits_to_float(static_cast<std::uint32_t>(bits) << 16);
}

std::uint16_t float_to_fp16_bits(float value) {
  const std::uint32_t bits = float_to_bits(value);
  const auto sign = static_cast<std::uint16_t>((bits & kFp32SignMask) >> 16);
  const std::uint32_t magnitude = bits & kFp32AbsMask;

  if (magnitude > kFp32Infinity) return sign | kFp16QuietNaN;
  if (magnitude >= kFp16OverflowThreshold) return sign | kFp16Infinity;

  if (magnitude < kFp16SmallestNormal) {
    // Subnormal half: the result counts units of 2^-24. The float is
    // significand * 2^(exponent - 150), so the count is
    // significand >> (126 - exponent), rounded.
    const int exponent = static_cast<int>(magnitude >> kFp32MantissaBits);
    const int shift = 126 - exponent;
    // Below 2^-25 (or exactly 2^-25, a tie to even zero) nothing survives.
    constexpr int kNothingSurvivesShift = 25;
    if (shift >= kNothingSurvivesShift) return sign;
    const std::uint32_t significand =
        (magnitude & ((1U << kFp32MantissaBits) - 1U)) | (1U << kFp32MantissaBits);
    return sign | static_cast<std::uint16_t>(shift_right_round_even(significand, shift));
  }

  // Normal half: re-bias the exponent and round away the low mantissa bits; a
  // carry into the exponent field is the correct next binade.
  const std::uint32_t rebiased = magnitude - (kFp32ToFp16BiasShift << kFp16DroppedBits);
  return sign | static_cast<std::uint16_t>(shift_right_round_even(rebiased, kFp16DroppedBits));
}

float fp16_bits_to_float(std::uint16_t bits) {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000U) << 16;
  const std::uint32_t exponent = (bits >> kFp16MantissaBits) & kFp16ExponentAllOnes;
  const std::uint32_t mantissa = bits & kFp16MantissaMask;

  if (exponent == kFp16ExponentAllOnes) {
    // Infinity or NaN; the NaN payload moves to the top of the fp32 mantissa.
    // c10 (and F16C hardware) decode through float arithmetic, which quiets a
    // signalling NaN; set the quiet bit too so results are bit-identical.
    const std::uint32_t quiet_bit = mantissa != 0 ? kFp32QuietNaNBit : 0U;
    return bits_to_float(sign | kFp32Infinity | quiet_bit | (mantissa << kFp16DroppedBits));
  }
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24 is exact in float.
    constexpr float kFp16SubnormalUnit = 1.0f / 16777216.0f;  // 2^-24
    const float magnitude = static_cast<float>(mantissa) * kFp16SubnormalUnit;
    return bits_to_float(sign | float_to_bits(magnitude));
  }
  const std::uint32_t fp32_exponent =
      exponent + static_cast<std::uint32_t>(kFp32ExponentBias - kFp16ExponentBias);
  return bits_to_float(sign | (fp32_exponent << kFp32MantissaBits) |
                       (mantissa << kFp16DroppedBits));
}

}  // namespace beamline::fault
