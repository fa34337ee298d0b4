// Coverage of the Wilson 95% interval: the share of campaigns whose interval
// contains the true rate should be close to 95%.
//
// Parameters: true rate p = 0.1, n = 1000 trials per campaign (an SDC rate of
// the order these studies see). The coverage of any binomial interval
// oscillates with n and p; at this (p, n) Wilson's exact coverage is 0.9491
// (sum of Binomial(1000, 0.1) probabilities of the k whose interval contains
// 0.1, checked below with Boost). With 20,000 campaigns the simulated share
// has a standard error of 0.0015, so [0.94, 0.96] is about 6 standard errors
// either side: a real coverage defect fails, sampling noise cannot.
#include <gtest/gtest.h>

#include <boost/math/distributions/binomial.hpp>
#include <cstdint>
#include <random>

#include "common/stats/interval.h"

namespace beamline::stats {
namespace {

constexpr double kTrueRate = 0.1;
constexpr std::uint64_t kTrialsPerCampaign = 1000;
constexpr int kCampaigns = 20000;

bool covers(const Interval& interval, double rate) {
  return interval.low <= rate && rate <= interval.high;
}

TEST(WilsonCoverage, SimulatedCampaignsCoverTheTrueRateAbout95Percent) {
  // Bernoulli draws compare raw mt19937_64 outputs to p * 2^64: the engine's
  // output is fixed by the standard, so unlike std::binomial_distribution the
  // campaign counts are the same with every standard library.
  std::mt19937_64 engine(20240615);
  const auto threshold = static_cast<std::uint64_t>(kTrueRate * 18446744073709551616.0);
  int covered = 0;
  for (int campaign = 0; campaign < kCampaigns; ++campaign) {
    std::uint64_t sdc = 0;
    for (std::uint64_t trial = 0; trial < kTrialsPerCampaign; ++trial) {
      sdc += engine() < threshold ? 1 : 0;
    }
    covered += covers(wilson_interval(sdc, kTrialsPerCampaign, 0.95), kTrueRate) ? 1 : 0;
  }
  const double coverage = static_cast<double>(covered) / kCampaigns;
  EXPECT_GE(coverage, 0.94);
  EXPECT_LE(coverage, 0.96);
}

TEST(WilsonCoverage, ExactCoverageAtTheSimulatedPointIsNearNominal) {
  const boost::math::binomial_distribution<> outcomes(static_cast<double>(kTrialsPerCampaign),
                                                      kTrueRate);
  double coverage = 0;
  for (std::uint64_t k = 0; k <= kTrialsPerCampaign; ++k) {
    if (covers(wilson_interval(k, kTrialsPerCampaign, 0.95), kTrueRate)) {
      coverage += boost::math::pdf(outcomes, static_cast<double>(k));
    }
  }
  EXPECT_NEAR(coverage, 0.9491, 0.0001);
}

}  // namespace
}  // namespace beamline::stats
