// Leveugle et al. (DATE 2009) sample sizes against worked numbers. With
// e = 0.05, p = 0.5 and t = 1.96 the formula is Krejcie & Morgan's (1970)
// classic table (N = 100 -> 80, 1000 -> 278, 10000 -> 370); that table rounds
// to nearest, we round up (the margin must be reached), so N = 50 and 500
// give 45 and 218 where the table says 44 and 217. Unrounded values (Python):
// infinite 384.146, N=50 44.344, 100 79.509, 500 217.487, 1000 277.733,
// 10000 369.971, 100000 382.680, 1000000 383.999.
#include "common/stats/sample_size.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "common/error.h"

namespace beamline::stats {
namespace {

TEST(LeveugleSampleSize, InfinitePopulation) {
  EXPECT_EQ(leveugle_sample_size(0.05, 0.95), 385U);
  // 99%, 1%: 2.5758^2 / 4 / 0.0001 = 16587.24.
  EXPECT_EQ(leveugle_sample_size(0.01, 0.99), 16588U);
  // A known low rate needs fewer trials: p = 0.1 gives 3457.31 at 1%, 95%.
  EXPECT_EQ(leveugle_sample_size(0.01, 0.95, 0.1), 3458U);
}

TEST(LeveugleSampleSize, FinitePopulationCorrection) {
  const struct {
    std::uint64_t population, trials;
  } worked[] = {{50, 45},      {100, 80},      {500, 218},     {1000, 278},
                {10000, 370},  {100000, 383},  {1000000, 384}};
  for (const auto& row : worked) {
    EXPECT_EQ(leveugle_sample_size(0.05, 0.95, 0.5, row.population), row.trials)
        << "N = " << row.population;
  }
  // 99%, 1%, N = 10^6: 16316.61.
  EXPECT_EQ(leveugle_sample_size(0.01, 0.99, 0.5, 1000000), 16317U);
  // Never more trials than sites.
  EXPECT_EQ(leveugle_sample_size(0.001, 0.99, 0.5, 1), 1U);
  EXPECT_LE(leveugle_sample_size(0.001, 0.99, 0.5, 20), 20U);
}

TEST(LeveugleMargin, InvertsTheSampleSize) {
  EXPECT_NEAR(leveugle_margin(385, 0.95), 0.0499445070, 1e-9);
  EXPECT_NEAR(leveugle_margin(370, 0.95, 0.5, 10000), 0.0499979379, 1e-9);
  for (const double margin : {0.1, 0.05, 0.02, 0.01, 0.003}) {
    for (const std::uint64_t population : {1000ULL, 50000ULL, 10000000ULL}) {
      const std::uint64_t trials = leveugle_sample_size(margin, 0.95, 0.5, population);
      EXPECT_LE(leveugle_margin(trials, 0.95, 0.5, population), margin);
      if (trials > 1) {
        EXPECT_GT(leveugle_margin(trials - 1, 0.95, 0.5, population), margin);
      }
    }
    const std::uint64_t trials = leveugle_sample_size(margin, 0.95);
    EXPECT_LE(leveugle_margin(trials, 0.95), margin);
    EXPECT_GT(leveugle_margin(trials - 1, 0.95), margin);
  }
  EXPECT_EQ(leveugle_margin(1000, 0.95, 0.5, 1000), 0.0);  // every site drawn
}

TEST(LeveugleSampleSize, BadArgumentsThrow) {
  EXPECT_THROW(leveugle_sample_size(0.0, 0.95), Error);
  EXPECT_THROW(leveugle_sample_size(-0.1, 0.95), Error);
  EXPECT_THROW(leveugle_sample_size(0.05, 1.5), Error);
  EXPECT_THROW(leveugle_sample_size(0.05, 0.95, 1.0), Error);
  EXPECT_THROW(leveugle_sample_size(0.05, 0.95, 0.5, 0), Error);
  EXPECT_THROW(leveugle_margin(0, 0.95), Error);
  EXPECT_THROW(leveugle_margin(11, 0.95, 0.5, 10), Error);
}

}  // namespace
}  // namespace beamline::stats
