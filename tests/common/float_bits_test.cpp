// float <-> bf16/fp16 encodings: decoding is exact, decode->encode is the
// identity on every non-NaN pattern, and encoding rounds like PyTorch's casts.
// Two references, both written here independently of common/fault:
// - nearest_reference: the definition (nearest representable value, ties to
//   the even pattern, overflow past max + half an ulp), over a table of
//   values built with std::ldexp;
// - a transcription of c10's own algorithms (c10/util/BFloat16.h
//   round_to_nearest_even, c10/util/Half.h fp16_ieee_from_fp32_value).
#include "common/fault/float_bits.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "common/fault/numeric_format.h"
#include "common/rng.h"

namespace beamline::fault {
namespace {

constexpr int kPatterns16 = 1 << 16;

// ---- Reference 1: the definition ------------------------------------------

struct HalfFormat {
  FormatLayout layout;
  std::uint16_t (*encode)(float);
  float (*decode)(std::uint16_t);
  const char* name;
};

const HalfFormat kBf16{kBf16Layout, float_to_bf16_bits, bf16_bits_to_float, "bf16"};
const HalfFormat kFp16{kFp16Layout, float_to_fp16_bits, fp16_bits_to_float, "fp16"};

// Value of a non-negative finite pattern from its fields, in double.
double value_from_fields(const FormatLayout& layout, std::uint32_t pattern) {
  const int bias = (1 << (layout.exponent_bits - 1)) - 1;
  const std::uint32_t mantissa = pattern & layout.mantissa_field_mask();
  const auto exponent = static_cast<int>(pattern >> layout.mantissa_bits);
  if (exponent == 0) return std::ldexp(mantissa, 1 - bias - layout.mantissa_bits);
  return std::ldexp(mantissa + (1U << layout.mantissa_bits), exponent - bias - layout.mantissa_bits);
}

class NearestReference {
 public:
  explicit NearestReference(const FormatLayout& layout) : layout_(layout) {
    const std::uint32_t infinity = layout.exponent_field_mask();
    for (std::uint32_t pattern = 0; pattern < infinity; ++pattern) {
      values_.push_back(value_from_fields(layout, pattern));
    }
    // The first value past the largest finite one (2^(emax+1)): rounding up to
    // it means overflow, i.e. infinity.
    const int bias = (1 << (layout.exponent_bits - 1)) - 1;
    values_.push_back(std::ldexp(1.0, bias + 1));
  }

  std::uint16_t encode(float value) const {
    const std::uint32_t sign = std::signbit(value) ? (1U << layout_.sign_bit()) : 0U;
    const double magnitude = std::fabs(static_cast<double>(value));
    const auto infinity_pattern = static_cast<std::uint32_t>(values_.size() - 1);
    if (std::isinf(value)) return static_cast<std::uint16_t>(sign | infinity_pattern);
    // Index of the first value >= magnitude: the upper neighbour.
    const auto upper = static_cast<std::uint32_t>(
        std::lower_bound(values_.begin(), values_.end(), magnitude) - values_.begin());
    if (upper == values_.size()) return static_cast<std::uint16_t>(sign | infinity_pattern);
    if (values_[upper] == magnitude || upper == 0) return static_cast<std::uint16_t>(sign | upper);
    const std::uint32_t lower = upper - 1;
    const double below = magnitude - values_[lower];
    const double above = values_[upper] - magnitude;
    std::uint32_t chosen = below < above ? lower : upper;
    if (below == above) chosen = (lower % 2 == 0) ? lower : upper;
    return static_cast<std::uint16_t>(sign | chosen);
  }

 private:
  FormatLayout layout_;
  std::vector<double> values_;  // index = pattern, ascending
};

// ---- Reference 2: c10's algorithms, transcribed ----------------------------

std::uint32_t bits_of(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}
float float_of(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::uint16_t c10_bf16_round_to_nearest_even(float src) {
  if (std::isnan(src)) return 0x7FC0;
  const std::uint32_t bits = bits_of(src);
  const std::uint32_t rounding_bias = ((bits >> 16) & 1) + UINT32_C(0x7FFF);
  return static_cast<std::uint16_t>((bits + rounding_bias) >> 16);
}

std::uint16_t c10_fp16_ieee_from_fp32_value(float f) {
  const float scale_to_inf = float_of(UINT32_C(239) << 23);
  const float scale_to_zero = float_of(UINT32_C(17) << 23);
  float base = (std::fabs(f) * scale_to_inf) * scale_to_zero;
  const std::uint32_t w = bits_of(f);
  const std::uint32_t shl1_w = w + w;
  const std::uint32_t sign = w & UINT32_C(0x80000000);
  std::uint32_t bias = shl1_w & UINT32_C(0xFF000000);
  if (bias < UINT32_C(0x71000000)) bias = UINT32_C(0x71000000);
  base = float_of((bias >> 1) + UINT32_C(0x07800000)) + base;
  const std::uint32_t bits = bits_of(base);
  const std::uint32_t exp_bits = (bits >> 13) & UINT32_C(0x00007C00);
  const std::uint32_t mantissa_bits = bits & UINT32_C(0x00000FFF);
  const std::uint32_t nonsign = exp_bits + mantissa_bits;
  return static_cast<std::uint16_t>((sign >> 16) |
                                    (shl1_w > UINT32_C(0xFF000000) ? 0x7E00U : nonsign));
}

// Floats that stress rounding: every representable value of the format, the
// exact midpoints between neighbours (ties) and the floats just either side
// of them, plus random fp32 patterns and the fp32 specials.
std::vector<float> rounding_probes(const HalfFormat& format) {
  std::vector<float> probes;
  const std::uint32_t infinity = format.layout.exponent_field_mask();
  for (std::uint32_t pattern = 0; pattern < infinity; ++pattern) {
    const double here = value_from_fields(format.layout, pattern);
    const double next = pattern + 1 == infinity
                            ? std::ldexp(1.0, (1 << (format.layout.exponent_bits - 1)))
                            : value_from_fields(format.layout, pattern + 1);
    const auto midpoint = static_cast<float>((here + next) / 2);  // exact in float
    for (const float probe : {static_cast<float>(here), midpoint,
                              std::nextafter(midpoint, 0.0f),
                              std::nextafter(midpoint, std::numeric_limits<float>::infinity())}) {
      probes.push_back(probe);
      probes.push_back(-probe);
    }
  }
  CounterRng rng(7, "rounding probes", 0);
  for (int i = 0; i < 1'000'000; ++i) probes.push_back(float_of(static_cast<std::uint32_t>(rng.next_u64())));
  for (const float special : {0.0f, -0.0f, std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(),
                              std::numeric_limits<float>::max(), std::numeric_limits<float>::min(),
                              std::numeric_limits<float>::denorm_min(), 65504.0f, 65519.99f,
                              65520.0f, -65520.0f}) {
    probes.push_back(special);
  }
  return probes;
}

// ---- Tests -----------------------------------------------------------------

void expect_roundtrip_of_every_pattern(const HalfFormat& format) {
  int mismatches = 0;
  int nans = 0;
  for (int raw = 0; raw < kPatterns16; ++raw) {
    const auto pattern = static_cast<std::uint16_t>(raw);
    const float value = format.decode(pattern);
    if (std::isnan(value)) {
      ++nans;
      continue;
    }
    if (format.encode(value) != pattern && ++mismatches <= 5) {
      ADD_FAILURE() << format.name << " pattern 0x" << std::hex << raw << " does not round-trip";
    }
  }
  EXPECT_EQ(mismatches, 0);
  // NaNs: exponent all ones, mantissa non-zero, either sign.
  EXPECT_EQ(nans, 2 * ((1 << format.layout.mantissa_bits) - 1));
}

TEST(FloatBits, Bf16DecodeEncodeRoundTripsEveryNonNanPattern) {
  expect_roundtrip_of_every_pattern(kBf16);
}

TEST(FloatBits, Fp16DecodeEncodeRoundTripsEveryNonNanPattern) {
  expect_roundtrip_of_every_pattern(kFp16);
}

void expect_decode_matches_fields(const HalfFormat& format) {
  const std::uint32_t infinity = format.layout.exponent_field_mask();
  const std::uint32_t sign = 1U << format.layout.sign_bit();
  for (std::uint32_t pattern = 0; pattern < infinity; ++pattern) {
    const double expected = value_from_fields(format.layout, pattern);
    ASSERT_EQ(static_cast<double>(format.decode(static_cast<std::uint16_t>(pattern))), expected)
        << format.name << " pattern " << pattern;
    ASSERT_EQ(static_cast<double>(format.decode(static_cast<std::uint16_t>(pattern | sign))),
              -expected);
  }
  EXPECT_EQ(format.decode(static_cast<std::uint16_t>(infinity)),
            std::numeric_limits<float>::infinity());
  EXPECT_EQ(format.decode(static_cast<std::uint16_t>(infinity | sign)),
            -std::numeric_limits<float>::infinity());
}

TEST(FloatBits, DecodeIsExactForEveryFinitePattern) {
  expect_decode_matches_fields(kBf16);
  expect_decode_matches_fields(kFp16);
}

void expect_encode_matches_references(const HalfFormat& format,
                                      std::uint16_t (*c10_cast)(float)) {
  const NearestReference nearest(format.layout);
  int mismatches = 0;
  for (const float probe : rounding_probes(format)) {
    const std::uint16_t actual = format.encode(probe);
    const std::uint16_t from_c10 = c10_cast(probe);
    const bool nan = std::isnan(probe);
    const bool matches_nearest = nan || actual == nearest.encode(probe);
    if ((actual != from_c10 || !matches_nearest) && ++mismatches <= 5) {
      ADD_FAILURE() << format.name << " encode(" << probe << " = 0x" << std::hex << bits_of(probe)
                    << ") = 0x" << actual << ", c10 0x" << from_c10;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(FloatBits, Bf16EncodeRoundsLikePyTorch) {
  expect_encode_matches_references(kBf16, c10_bf16_round_to_nearest_even);
}

TEST(FloatBits, Fp16EncodeRoundsLikePyTorch) {
  expect_encode_matches_references(kFp16, c10_fp16_ieee_from_fp32_value);
}

TEST(FloatBits, KnownValues) {
  EXPECT_EQ(float_to_bf16_bits(1.0f), 0x3f80);
  EXPECT_EQ(float_to_bf16_bits(-2.0f), 0xc000);
  EXPECT_EQ(float_to_bf16_bits(std::numeric_limits<float>::max()), 0x7f80);  // overflows to inf
  EXPECT_EQ(float_to_bf16_bits(std::nanf("")), 0x7fc0);
  EXPECT_EQ(float_to_bf16_bits(-std::nanf("")), 0x7fc0);  // c10 drops the NaN's sign
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1.0).
  EXPECT_EQ(float_to_bf16_bits(1.00390625f), 0x3f80);
  EXPECT_EQ(float_to_bf16_bits(1.01171875f), 0x3f82);  // 1 + 3*2^-8: tie, up to even

  EXPECT_EQ(float_to_fp16_bits(1.0f), 0x3c00);
  EXPECT_EQ(float_to_fp16_bits(-2.0f), 0xc000);
  EXPECT_EQ(float_to_fp16_bits(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_fp16_bits(65519.0f), 0x7bff);
  EXPECT_EQ(float_to_fp16_bits(65520.0f), 0x7c00);
  EXPECT_EQ(float_to_fp16_bits(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_fp16_bits(std::ldexp(1.0f, -25)), 0x0000);  // tie to even zero
  EXPECT_EQ(float_to_fp16_bits(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(float_to_fp16_bits(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
  EXPECT_EQ(float_to_fp16_bits(-0.0f), 0x8000);
  EXPECT_EQ(float_to_fp16_bits(std::nanf("")), 0x7e00);
  EXPECT_EQ(float_to_fp16_bits(-std::nanf("")), 0xfe00);
  EXPECT_EQ(fp16_bits_to_float(0x7bff), 65504.0f);
  EXPECT_EQ(fp16_bits_to_float(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(bf16_bits_to_float(0x4049), 3.140625f);
  // NaN decoding as c10 does it: fp16 payload kept, quiet bit set; bf16 as is.
  EXPECT_EQ(float_to_bits(fp16_bits_to_float(0x7c01)), 0x7fc02000U);
  EXPECT_EQ(float_to_bits(fp16_bits_to_float(0xfe00)), 0xffc00000U);
  EXPECT_EQ(float_to_bits(bf16_bits_to_float(0x7f81)), 0x7f810000U);
}

TEST(FloatBits, Fp32BitsRoundTrip) {
  CounterRng rng(11, "fp32 bits", 0);
  for (int i = 0; i < 100000; ++i) {
    const auto bits = static_cast<std::uint32_t>(rng.next_u64());
    ASSERT_EQ(float_to_bits(bits_to_float(bits)), bits);
  }
  EXPECT_EQ(float_to_bits(1.0f), 0x3f800000U);
}

}  // namespace
}  // namespace beamline::fault
