// The two draws of count-then-positions sampling: the fault count follows
// Binomial(n, p) (chi-square over many draws, inversion and BTRD regimes),
// and the positions are uniform over k-subsets.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <iostream>
#include <map>
#include <string>

#include "common/error.h"
#include "common/rng.h"
#include "tests/worker/weightfaults/goodness_of_fit.h"
#include "worker/weightfaults/binomial_sampler.h"

namespace beamline::weightfaults {
namespace {

using testing::chi_square_p_value;

// A correct sampler fails this with probability 1e-4 per fixed seed; the
// seeds are fixed, so the test is deterministic.
constexpr double kMinPValue = 1e-4;
constexpr uint64_t kDraws = 20000;

struct BinomialCase {
  uint64_t n;
  double p;
};

class BinomialFit : public ::testing::TestWithParam<BinomialCase> {};

TEST_P(BinomialFit, CountsFollowTheBinomial) {
  const auto [n, p] = GetParam();
  const double mean = static_cast<double>(n) * p;
  const auto top = std::min(n, static_cast<uint64_t>(mean + 10.0 * std::sqrt(mean * (1 - p)) + 10.0));
  std::vector<double> observed(top + 1, 0.0);  // the last bin holds top and above
  double sum = 0;
  for (uint64_t trial = 0; trial < kDraws; ++trial) {
    CounterRng rng(7, "binomial-fit", trial);  // one generator per trial, as trials draw
    const uint64_t k = draw_binomial(rng, n, p);
    ASSERT_LE(k, n);
    observed[std::min(k, top)] += 1;
    sum += static_cast<double>(k);
  }
  const boost::math::binomial_distribution<double> reference(static_cast<double>(n), p);
  std::vector<double> expected(top + 1);
  for (uint64_t k = 0; k < top; ++k) expected[k] = kDraws * boost::math::pdf(reference, static_cast<double>(k));
  expected[top] = kDraws * boost::math::cdf(boost::math::complement(reference, static_cast<double>(top) - 1));
  const double p_value = chi_square_p_value(observed, expected);
  EXPECT_GT(p_value, kMinPValue) << "n=" << n << " p=" << p << " sample mean " << sum / kDraws << " vs " << mean;
  std::cout << "[ chi2    ] n=" << n << " p=" << p << ": mean " << sum / kDraws << " (expected " << mean
            << "), p-value " << p_value << "\n";
}

INSTANTIATE_TEST_SUITE_P(Regimes, BinomialFit,
                         ::testing::Values(BinomialCase{1000, 0.003},          // inversion, mean 3
                                           BinomialCase{1000000000, 1e-9},     // inversion, mean 1
                                           BinomialCase{100000, 0.01},         // BTRD, mean 1000
                                           BinomialCase{100000000000, 1e-9},   // BTRD, mean 100, n = 1e11
                                           BinomialCase{200, 0.9}));           // p > 1/2 by symmetry

TEST(Binomial, EdgeRatesAndBadRates) {
  CounterRng rng(1, "edges", 0);
  EXPECT_EQ(draw_binomial(rng, 1000, 0.0), 0U);
  EXPECT_EQ(draw_binomial(rng, 1000, 1.0), 1000U);
  EXPECT_EQ(draw_binomial(rng, 0, 0.5), 0U);
  EXPECT_THROW(draw_binomial(rng, 10, -0.1), Error);
  EXPECT_THROW(draw_binomial(rng, 10, 1.5), Error);
  EXPECT_THROW(draw_binomial(rng, 10, std::nan("")), Error);
}

TEST(Binomial, SameStreamSameCount) {
  for (uint64_t trial = 0; trial < 50; ++trial) {
    CounterRng a(3, "cell", trial);
    CounterRng b(3, "cell", trial);
    EXPECT_EQ(draw_binomial(a, 1000000, 0.001), draw_binomial(b, 1000000, 0.001));
  }
}

// Every k-subset of [0, n) equally likely, for Floyd's branch (k <= n/2)
// and the complement branch (k > n/2).
TEST(SampleDistinct, SubsetsAreUniform) {
  for (const auto& [n, k] : std::vector<std::pair<uint64_t, uint64_t>>{{6, 2}, {6, 4}, {7, 3}}) {
    std::map<std::vector<uint64_t>, double> counts;
    for (uint64_t trial = 0; trial < kDraws; ++trial) {
      CounterRng rng(11, "subsets", trial);
      const auto sample = sample_distinct(rng, n, k);
      ASSERT_EQ(sample.size(), k);
      ASSERT_TRUE(std::is_sorted(sample.begin(), sample.end()));
      ASSERT_EQ(std::adjacent_find(sample.begin(), sample.end()), sample.end());
      ASSERT_LT(sample.back(), n);
      counts[sample] += 1;
    }
    // C(6,2) = C(6,4) = 15, C(7,3) = 35 subsets.
    const double subsets = std::round(std::tgamma(n + 1.0) / (std::tgamma(k + 1.0) * std::tgamma(n - k + 1.0)));
    ASSERT_EQ(static_cast<double>(counts.size()), subsets);
    std::vector<double> observed;
    for (const auto& entry : counts) observed.push_back(entry.second);
    const std::vector<double> expected(observed.size(), kDraws / subsets);
    EXPECT_GT(chi_square_p_value(observed, expected), kMinPValue) << "n=" << n << " k=" << k;
  }
}

// On a large space each position is equally likely to be chosen.
TEST(SampleDistinct, PositionsAreUniformOnALargeSpace) {
  constexpr uint64_t kSpace = 1000000;
  constexpr uint64_t kPicks = 50;
  constexpr size_t kBins = 100;
  std::vector<double> observed(kBins, 0.0);
  for (uint64_t trial = 0; trial < 4000; ++trial) {
    CounterRng rng(13, "positions", trial);
    for (const uint64_t v : sample_distinct(rng, kSpace, kPicks)) observed[v * kBins / kSpace] += 1;
  }
  const std::vector<double> expected(kBins, 4000.0 * kPicks / kBins);
  EXPECT_GT(chi_square_p_value(observed, expected), kMinPValue);
}

TEST(SampleDistinct, AllAndNothing) {
  CounterRng rng(1, "all", 0);
  EXPECT_TRUE(sample_distinct(rng, 10, 0).empty());
  const auto all = sample_distinct(rng, 10, 10);
  ASSERT_EQ(all.size(), 10U);
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(all[i], i);
}

}  // namespace
}  // namespace beamline::weightfaults
