// Fault bit operations, checked exhaustively over every fp16 and bf16
// pattern and over a large sample of fp32 patterns, for each fault model:
// a mask flips exactly its bits, flipping twice restores the element, masks
// have the shape the model promises, and positions are uniform.
#include "common/fault/fault_mask.h"

#include <gtest/gtest.h>

#include <bitset>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/fault/bit_flip.h"
#include "common/fault/float_bits.h"

namespace beamline::fault {
namespace {

constexpr std::uint64_t kSeed = 424242;
constexpr FaultModel kMaskModels[] = {FaultModel::single_bit, FaultModel::double_bit,
                                      FaultModel::exponent_bit, FaultModel::none};
constexpr NumericFormat kFormats[] = {NumericFormat::fp32, NumericFormat::bf16,
                                      NumericFormat::fp16};

int popcount(std::uint32_t word) { return static_cast<int>(std::bitset<32>(word).count()); }

// Why a mask is not a valid draw of the model in the format, or "" if it is.
std::string mask_problem(FaultModel model, NumericFormat format, std::uint32_t mask) {
  const FormatLayout layout = layout_of(format);
  if ((mask & ~layout.all_bits_mask()) != 0) return "reaches past the format's width";
  switch (model) {
    case FaultModel::single_bit: return popcount(mask) == 1 ? "" : "single_bit needs 1 bit";
    case FaultModel::double_bit: return popcount(mask) == 2 ? "" : "double_bit needs 2 bits";
    case FaultModel::exponent_bit:
      if (popcount(mask) != 1) return "exponent_bit needs 1 bit";
      return (mask & layout.exponent_field_mask()) == mask ? "" : "bit outside the exponent";
    case FaultModel::none: return mask == 0 ? "" : "none must flip nothing";
    default: return "not a mask model";
  }
}

// Every mask the model can draw in the format.
std::vector<std::uint32_t> all_masks(FaultModel model, NumericFormat format) {
  const FormatLayout layout = layout_of(format);
  std::vector<std::uint32_t> masks;
  for (int first = 0; first < layout.total_bits(); ++first) {
    const std::uint32_t first_bit = 1U << first;
    if (model == FaultModel::single_bit) masks.push_back(first_bit);
    if (model == FaultModel::exponent_bit && (first_bit & layout.exponent_field_mask()) != 0) {
      masks.push_back(first_bit);
    }
    if (model == FaultModel::double_bit) {
      for (int second = first + 1; second < layout.total_bits(); ++second) {
        masks.push_back(first_bit | (1U << second));
      }
    }
  }
  if (model == FaultModel::none) masks.push_back(0);
  return masks;
}

// Flipping `mask` into `pattern` changes exactly the masked bits, and a
// second flip restores the pattern. For 16-bit formats, also through the
// value: decoding the flipped pattern and re-encoding gives it back unless
// it is a NaN (whose payload a float cast canonicalises).
bool flip_behaves(NumericFormat format, std::uint32_t pattern, std::uint32_t mask) {
  const std::uint32_t flipped = flip_bits(pattern, mask);
  if (flip_bits(flipped, mask) != pattern) return false;
  if ((flipped ^ pattern) != mask || popcount(flipped ^ pattern) != popcount(mask)) return false;
  if (format == NumericFormat::fp32) {
    return float_to_bits(flip_value(bits_to_float(pattern), format, mask)) == flipped;
  }
  const auto decode = format == NumericFormat::bf16 ? bf16_bits_to_float : fp16_bits_to_float;
  const auto encode = format == NumericFormat::bf16 ? float_to_bf16_bits : float_to_fp16_bits;
  const float before = decode(static_cast<std::uint16_t>(pattern));
  const float after = decode(static_cast<std::uint16_t>(flipped));
  if (std::isnan(before) || std::isnan(after)) return true;
  return encode(flip_value(before, format, mask)) == flipped;
}

// For each pattern: a drawn mask of each model is valid and flips correctly;
// and every possible mask of each model flips correctly.
void check_patterns(NumericFormat format, const std::vector<std::uint32_t>& patterns,
                    bool every_possible_mask) {
  int failures = 0;
  auto report = [&](const std::string& what, std::uint32_t pattern, std::uint32_t mask) {
    if (++failures <= 5) {
      ADD_FAILURE() << to_string(format) << " pattern 0x" << std::hex << pattern << " mask 0x"
                    << mask << ": " << what;
    }
  };
  for (const FaultModel model : kMaskModels) {
    const std::string key = "exhaustive|" + to_string(format) + "|" + to_string(model);
    const std::vector<std::uint32_t> masks = all_masks(model, format);
    for (std::size_t index = 0; index < patterns.size(); ++index) {
      const std::uint32_t pattern = patterns[index];
      CounterRng rng(kSeed, key, index);
      const std::uint32_t drawn = draw_fault_mask(model, format, rng);
      const std::string problem = mask_problem(model, format, drawn);
      if (!problem.empty()) report(problem, pattern, drawn);
      if (!flip_behaves(format, pattern, drawn)) report("drawn mask flips wrongly", pattern, drawn);
      if (!every_possible_mask) continue;
      for (const std::uint32_t mask : masks) {
        if (!flip_behaves(format, pattern, mask)) report("flips wrongly", pattern, mask);
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

std::vector<std::uint32_t> every_16_bit_pattern() {
  std::vector<std::uint32_t> patterns(1 << 16);
  for (std::uint32_t pattern = 0; pattern < patterns.size(); ++pattern) patterns[pattern] = pattern;
  return patterns;
}

TEST(FaultMask, EveryFp16PatternEveryModel) {
  check_patterns(NumericFormat::fp16, every_16_bit_pattern(), true);
}

TEST(FaultMask, EveryBf16PatternEveryModel) {
  check_patterns(NumericFormat::bf16, every_16_bit_pattern(), true);
}

TEST(FaultMask, SampledFp32PatternsEveryModel) {
  // 200,000 random patterns with every possible mask (32 + 496 + 8 + 1 each),
  // a further 2,000,000 with drawn masks, plus the specials.
  CounterRng rng(kSeed, "fp32 patterns", 0);
  std::vector<std::uint32_t> patterns{0x00000000U, 0x80000000U, 0x7f800000U, 0xff800000U,
                                      0x7fc00000U, 0x7f7fffffU, 0x00000001U, 0x3f800000U};
  for (int i = 0; i < 200'000; ++i) patterns.push_back(static_cast<std::uint32_t>(rng.next_u64()));
  check_patterns(NumericFormat::fp32, patterns, true);
  std::vector<std::uint32_t> more;
  for (int i = 0; i < 2'000'000; ++i) more.push_back(static_cast<std::uint32_t>(rng.next_u64()));
  check_patterns(NumericFormat::fp32, more, false);
}

// Chi-square goodness of fit at the 0.999 quantile: with fixed seeds the test
// is deterministic, and a correct sampler would fail it 1 time in 1000 seeds.
void expect_uniform(const std::vector<long>& counts, const std::string& what) {
  long total = 0;
  for (const long count : counts) total += count;
  const double expected = static_cast<double>(total) / static_cast<double>(counts.size());
  double chi_square = 0;
  for (const long count : counts) {
    chi_square += (static_cast<double>(count) - expected) * (static_cast<double>(count) - expected) /
                  expected;
  }
  const boost::math::chi_squared distribution(static_cast<double>(counts.size() - 1));
  EXPECT_LT(chi_square, boost::math::quantile(distribution, 0.999)) << what;
}

TEST(FaultMask, SingleAndExponentBitPositionsAreUniform) {
  constexpr int kDraws = 400'000;
  for (const NumericFormat format : kFormats) {
    const FormatLayout layout = layout_of(format);
    for (const FaultModel model : {FaultModel::single_bit, FaultModel::exponent_bit}) {
      const bool exponent_only = model == FaultModel::exponent_bit;
      const int first = exponent_only ? layout.first_exponent_bit() : 0;
      const int positions = exponent_only ? layout.exponent_bits : layout.total_bits();
      std::vector<long> counts(static_cast<std::size_t>(positions), 0);
      const std::string key = "uniform|" + to_string(format) + "|" + to_string(model);
      for (int trial = 0; trial < kDraws; ++trial) {
        CounterRng rng(kSeed, key, static_cast<std::uint64_t>(trial));
        const std::vector<int> bits = bit_positions(draw_fault_mask(model, format, rng));
        ASSERT_EQ(bits.size(), 1U);
        ++counts[static_cast<std::size_t>(bits[0] - first)];
      }
      expect_uniform(counts, to_string(format) + " " + to_string(model));
    }
  }
}

TEST(FaultMask, DoubleBitPairsAreUniform) {
  // Over unordered pairs (fp16, bf16: 120 pairs; fp32: 496), not just over
  // single positions: a sampler that favoured adjacent bits would fail here.
  constexpr int kDrawsPerPair = 1000;
  for (const NumericFormat format : kFormats) {
    const int width = layout_of(format).total_bits();
    std::vector<long> counts(static_cast<std::size_t>(width * width), 0);
    const long pairs = width * (width - 1) / 2;
    const std::string key = "pairs|" + to_string(format);
    for (long trial = 0; trial < pairs * kDrawsPerPair; ++trial) {
      CounterRng rng(kSeed, key, static_cast<std::uint64_t>(trial));
      const std::vector<int> bits =
          bit_positions(draw_fault_mask(FaultModel::double_bit, format, rng));
      ASSERT_EQ(bits.size(), 2U);
      ++counts[static_cast<std::size_t>(bits[0] * width + bits[1])];
    }
    std::vector<long> pair_counts;
    for (int low = 0; low < width; ++low) {
      for (int high = low + 1; high < width; ++high) {
        pair_counts.push_back(counts[static_cast<std::size_t>(low * width + high)]);
      }
    }
    expect_uniform(pair_counts, to_string(format) + " double_bit pairs");
  }
}

TEST(FaultMask, SameTrialDrawsTheSameMask) {
  for (std::uint64_t trial = 0; trial < 1000; ++trial) {
    CounterRng first(kSeed, "cell", trial);
    CounterRng second(kSeed, "cell", trial);
    EXPECT_EQ(draw_fault_mask(FaultModel::double_bit, NumericFormat::fp16, first),
              draw_fault_mask(FaultModel::double_bit, NumericFormat::fp16, second));
  }
}

TEST(FaultMask, WeightModelsHaveNoElementMask) {
  CounterRng rng(kSeed, "cell", 0);
  EXPECT_FALSE(has_element_mask(FaultModel::bit_error_rate));
  EXPECT_FALSE(has_element_mask(FaultModel::value_uniform01));
  EXPECT_TRUE(has_element_mask(FaultModel::none));
  EXPECT_THROW(draw_fault_mask(FaultModel::bit_error_rate, NumericFormat::fp32, rng), Error);
  EXPECT_THROW(draw_fault_mask(FaultModel::value_uniform01, NumericFormat::fp32, rng), Error);
}

TEST(FaultMask, FlipValueExamples) {
  // fp32 1.0 = 0x3f800000; bit 30 (top exponent bit) makes it 2^128 -> inf.
  EXPECT_TRUE(std::isinf(flip_value(1.0f, NumericFormat::fp32, 1U << 30)));
  EXPECT_EQ(flip_value(1.0f, NumericFormat::fp32, 1U << 31), -1.0f);
  // fp16 1.0 = 0x3c00; bit 14 makes 0x7c00 = inf (the narrow range that
  // turns exponent flips into inf); bf16 1.0 = 0x3f80, bit 14 -> 0x7f80 = inf.
  EXPECT_TRUE(std::isinf(flip_value(1.0f, NumericFormat::fp16, 1U << 14)));
  EXPECT_TRUE(std::isinf(flip_value(1.0f, NumericFormat::bf16, 1U << 14)));
  // fp16 2.0 = 0x4000; bit 14 clears the only set exponent bit -> +0.
  EXPECT_EQ(flip_value(2.0f, NumericFormat::fp16, 1U << 14), 0.0f);
  // fp16 1.5 = 0x3e00; bit 13 -> 0x1e00, exponent 7: 1.5 * 2^-8.
  EXPECT_EQ(flip_value(1.5f, NumericFormat::fp16, 1U << 13), std::ldexp(1.5f, -8));
  EXPECT_EQ(flip_value(1.0f, NumericFormat::bf16, 1U), 1.0078125f);  // lowest mantissa bit
}

TEST(BitPositions, RoundTripAndRejectOutOfRange) {
  EXPECT_EQ(bit_positions(0), std::vector<int>{});
  EXPECT_EQ(bit_positions(0x80000009U), (std::vector<int>{0, 3, 31}));
  EXPECT_EQ(mask_from_bit_positions({0, 3, 31}), 0x80000009U);
  EXPECT_THROW(mask_from_bit_positions({32}), Error);
  EXPECT_THROW(mask_from_bit_positions({-1}), Error);
}

TEST(NumericFormat, LayoutsAndNames) {
  EXPECT_EQ(layout_of(NumericFormat::fp32).total_bits(), 32);
  EXPECT_EQ(layout_of(NumericFormat::bf16).total_bits(), 16);
  EXPECT_EQ(layout_of(NumericFormat::fp16).total_bits(), 16);
  EXPECT_EQ(kFp32Layout.exponent_field_mask(), 0x7f800000U);
  EXPECT_EQ(kBf16Layout.exponent_field_mask(), 0x7f80U);
  EXPECT_EQ(kFp16Layout.exponent_field_mask(), 0x7c00U);
  EXPECT_EQ(kFp16Layout.mantissa_field_mask(), 0x3ffU);
  EXPECT_EQ(kFp16Layout.sign_bit(), 15);
  for (const NumericFormat format : kFormats) {
    EXPECT_EQ(parse_numeric_format(to_string(format)), format);
  }
  EXPECT_EQ(parse_numeric_format("bfloat16"), NumericFormat::bf16);
  EXPECT_EQ(parse_numeric_format("float16"), NumericFormat::fp16);
  EXPECT_THROW(parse_numeric_format("fp8"), Error);
}

TEST(FaultModelNames, ParseAndPrintEveryModel) {
  const std::vector<std::string> names{"single_bit",     "double_bit",      "exponent_bit",
                                       "bit_error_rate", "value_uniform01", "none"};
  for (const std::string& name : names) EXPECT_EQ(to_string(parse_fault_model(name)), name);
  EXPECT_EQ(parse_fault_model("exponent_bit"), FaultModel::exponent_bit);
  try {
    parse_fault_model("triple_bit");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("triple_bit"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("single_bit"), std::string::npos);
  }
}

}  // namespace
}  // namespace beamline::fault
