// Binomial confidence intervals against reference values.
// Wilson: the closed form written out here, with z as a published constant,
// plus Newcombe's (Stat. Med. 1998, Table II) worked examples.
// Clopper-Pearson: closed forms at k = 0 and k = n, and values found by
// bisection on exact binomial tail sums (Python, math.comb), which agree with
// Newcombe's examples to his 4 decimals.
#include "common/stats/interval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/error.h"

namespace beamline::stats {
namespace {

// Two-sided standard normal quantiles for 90%, 95%, 99%.
constexpr double kZ90 = 1.6448536269514722;
constexpr double kZ95 = 1.959963984540054;
constexpr double kZ99 = 2.5758293035489004;

struct Count {
  std::uint64_t k;
  std::uint64_t n;
};

const std::vector<Count> kCounts{{0, 1},    {1, 1},    {0, 10},    {10, 10},  {3, 10},
                                 {1, 29},   {0, 20},   {15, 148},  {81, 263}, {5, 1000},
                                 {500, 1000}, {1, 2000}, {0, 1000000}, {1000000, 1000000},
                                 {37, 1000000}};

Interval wilson_reference(double k, double n, double z) {
  const double centre = (k + z * z / 2) / (n + z * z);
  const double half = z / (n + z * z) * std::sqrt(k * (n - k) / n + z * z / 4);
  return {centre - half, centre + half};
}

TEST(WilsonInterval, MatchesClosedFormOverTable) {
  for (const auto& [confidence, z] :
       std::vector<std::pair<double, double>>{{0.90, kZ90}, {0.95, kZ95}, {0.99, kZ99}}) {
    for (const Count& count : kCounts) {
      const Interval expected =
          wilson_reference(static_cast<double>(count.k), static_cast<double>(count.n), z);
      const Interval actual = wilson_interval(count.k, count.n, confidence);
      EXPECT_NEAR(actual.low, std::max(0.0, expected.low), 1e-12) << count.k << "/" << count.n;
      EXPECT_NEAR(actual.high, std::min(1.0, expected.high), 1e-12) << count.k << "/" << count.n;
    }
  }
}

TEST(WilsonInterval, PublishedExamples) {
  // Newcombe 1998, method 3 (score interval without continuity correction).
  const struct {
    Count count;
    double low, high;
  } examples[] = {{{81, 263}, 0.2553, 0.3662},
                  {{15, 148}, 0.0624, 0.1605},
                  {{0, 20}, 0.0, 0.1611},
                  {{1, 29}, 0.0061, 0.1718}};
  for (const auto& example : examples) {
    const Interval actual = wilson_interval(example.count.k, example.count.n);
    EXPECT_NEAR(actual.low, example.low, 5e-5);
    EXPECT_NEAR(actual.high, example.high, 5e-5);
  }
}

TEST(WilsonInterval, EndsAreExactAtZeroAndAll) {
  EXPECT_EQ(wilson_interval(0, 10).low, 0.0);
  EXPECT_EQ(wilson_interval(10, 10).high, 1.0);
  EXPECT_NEAR(wilson_interval(0, 10).high, 0.277533, 1e-6);
  EXPECT_NEAR(wilson_interval(10, 10).low, 1 - 0.277533, 1e-6);
}

TEST(ClopperPearsonInterval, ClosedFormsAtZeroAndAll) {
  // k = 0: upper = 1 - (alpha/2)^(1/n); k = n: lower = (alpha/2)^(1/n).
  for (const double confidence : {0.90, 0.95, 0.99}) {
    const double tail = (1 - confidence) / 2;
    for (const std::uint64_t n : {1ULL, 2ULL, 10ULL, 100ULL, 12345ULL, 1000000ULL}) {
      const double closed_form = std::pow(tail, 1.0 / static_cast<double>(n));
      const Interval none = clopper_pearson_interval(0, n, confidence);
      const Interval all = clopper_pearson_interval(n, n, confidence);
      EXPECT_EQ(none.low, 0.0);
      EXPECT_NEAR(none.high, 1 - closed_form, 1e-12) << n;
      EXPECT_NEAR(all.low, closed_form, 1e-12) << n;
      EXPECT_EQ(all.high, 1.0);
    }
  }
  EXPECT_NEAR(clopper_pearson_interval(0, 10).high, 0.3084971, 1e-7);
}

TEST(ClopperPearsonInterval, MatchesBisectionReferenceOverTable) {
  const struct {
    Count count;
    double confidence, low, high;
  } references[] = {
      {{3, 10}, 0.95, 0.0667395112, 0.6524528501},
      {{3, 10}, 0.99, 0.0370072211, 0.7351139853},
      {{3, 10}, 0.90, 0.0872644339, 0.6066242161},
      {{1, 29}, 0.95, 0.0008726469, 0.1776442955},
      {{0, 20}, 0.95, 0.0, 0.1684334710},
      {{15, 148}, 0.95, 0.0578440101, 0.1616504903},
      {{81, 263}, 0.95, 0.2527367456, 0.3676219226},
      {{5, 1000}, 0.95, 0.0016254195, 0.0116294706},
      {{500, 1000}, 0.95, 0.4685491730, 0.5314508270},
      {{1, 2000}, 0.95, 0.0000126588, 0.0027826398},
      {{0, 1}, 0.95, 0.0, 0.975},
      {{1, 1}, 0.95, 0.025, 1.0},
  };
  for (const auto& reference : references) {
    const Interval actual =
        clopper_pearson_interval(reference.count.k, reference.count.n, reference.confidence);
    EXPECT_NEAR(actual.low, reference.low, 1e-9) << reference.count.k << "/" << reference.count.n;
    EXPECT_NEAR(actual.high, reference.high, 1e-9) << reference.count.k << "/" << reference.count.n;
  }
}

TEST(Intervals, BothContainTheObservedRate) {
  for (const Count& count : kCounts) {
    const Interval exact = clopper_pearson_interval(count.k, count.n);
    const Interval wilson = wilson_interval(count.k, count.n);
    const double rate = static_cast<double>(count.k) / static_cast<double>(count.n);
    EXPECT_LE(exact.low, rate);
    EXPECT_GE(exact.high, rate);
    EXPECT_LE(wilson.low, rate);
    EXPECT_GE(wilson.high, rate);
  }
}

TEST(Intervals, DispatchAndNames) {
  const Interval wilson = binomial_interval(3, 10, 0.95, IntervalMethod::wilson);
  const Interval exact = binomial_interval(3, 10, 0.95, IntervalMethod::exact);
  EXPECT_EQ(wilson.low, wilson_interval(3, 10).low);
  EXPECT_EQ(exact.high, clopper_pearson_interval(3, 10).high);
  EXPECT_EQ(parse_interval_method("wilson"), IntervalMethod::wilson);
  EXPECT_EQ(parse_interval_method("exact"), IntervalMethod::exact);
  EXPECT_EQ(to_string(IntervalMethod::exact), "exact");
  EXPECT_THROW(parse_interval_method("wald"), Error);
}

TEST(Intervals, BadArgumentsThrow) {
  EXPECT_THROW(wilson_interval(11, 10), Error);
  EXPECT_THROW(wilson_interval(0, 0), Error);
  EXPECT_THROW(wilson_interval(1, 10, 1.0), Error);
  EXPECT_THROW(clopper_pearson_interval(1, 10, 0.0), Error);
  EXPECT_THROW(clopper_pearson_interval(1, 10, std::nan("")), Error);
  EXPECT_THROW(two_sided_normal_quantile(-0.5), Error);
  EXPECT_NEAR(two_sided_normal_quantile(0.95), kZ95, 1e-12);
}

}  // namespace
}  // namespace beamline::stats
