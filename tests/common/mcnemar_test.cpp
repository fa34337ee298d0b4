// Exact McNemar p-values against hand computation: with d = b + c discordant
// pairs, p = 2 * sum_{i <= min(b, c)} C(d, i) / 2^d, capped at 1.
#include "common/stats/mcnemar.h"

#include <gtest/gtest.h>

namespace beamline::stats {
namespace {

TEST(McNemarExact, HandComputedValues) {
  // b=1, c=9: 2 * (1 + 10) / 1024 = 11/512.
  EXPECT_NEAR(mcnemar_exact_p_value(1, 9), 11.0 / 512.0, 1e-15);
  // b=0, c=5: 2 * 1/32.
  EXPECT_NEAR(mcnemar_exact_p_value(0, 5), 1.0 / 16.0, 1e-15);
  // b=3, c=10: 2 * (1 + 13 + 78 + 286) / 8192 = 189/2048.
  EXPECT_NEAR(mcnemar_exact_p_value(3, 10), 189.0 / 2048.0, 1e-15);
  // b=2, c=12: 2 * (1 + 14 + 91) / 16384 = 53/4096.
  EXPECT_NEAR(mcnemar_exact_p_value(2, 12), 53.0 / 4096.0, 1e-15);
  // b=20, c=40: exact fraction 3888024206162357 / 2^58 (Python fractions).
  EXPECT_NEAR(mcnemar_exact_p_value(20, 40), 0.01348929373119186, 1e-14);
}

TEST(McNemarExact, SymmetricAndCapped) {
  EXPECT_EQ(mcnemar_exact_p_value(10, 3), mcnemar_exact_p_value(3, 10));
  EXPECT_EQ(mcnemar_exact_p_value(5, 5), 1.0);
  EXPECT_EQ(mcnemar_exact_p_value(0, 1), 1.0);
  EXPECT_EQ(mcnemar_exact_p_value(0, 0), 1.0);  // no discordant pairs: no evidence
}

TEST(McNemarExact, LargeCountsStayInRange) {
  const double p = mcnemar_exact_p_value(4900, 5100);
  EXPECT_GT(p, 0.0);
  EXPECT_LT(p, 0.06);  // normal approximation: z = 2.0, p = 0.0455
  EXPECT_GT(p, 0.04);
  EXPECT_LT(mcnemar_exact_p_value(0, 2000), 1e-300);
}

}  // namespace
}  // namespace beamline::stats
