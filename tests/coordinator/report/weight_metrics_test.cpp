// The weight-fault study's formulas (coordinator/report/weight_metrics.h).
#include "coordinator/report/weight_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace beamline::report {
namespace {

TEST(WeightMetrics, StudyNanProbabilityMatchesItsNumbers) {
  // Section 6.1: p = 1e-9 and n = 130e6 (GPT-2) give about 0.1; p = 1e-8 about 0.7.
  EXPECT_NEAR(study_nan_probability(1e-9, 130e6, 8, 23), 0.1, 0.03);
  EXPECT_NEAR(study_nan_probability(1e-8, 130e6, 8, 23), 0.7, 0.05);
  const double q = 1e-3 * std::pow(1 - 1e-3, 7) * (1 - std::pow(2.0, -23));
  EXPECT_NEAR(study_nan_probability(1e-3, 1, 8, 23), q, 1e-15);
  EXPECT_EQ(study_nan_probability(0, 1e9, 8, 23), 0);
}

TEST(WeightMetrics, AwrclIsTheWeightedMean) {
  EXPECT_DOUBLE_EQ(*awrcl({{1e-6, 0.1, 1}, {1e-5, 0.5, 1}, {1e-4, 0.9, 2}}), (0.1 + 0.5 + 1.8) / 4);
  EXPECT_FALSE(awrcl({}).has_value());
}

TEST(WeightMetrics, ThresholdIsTheSmallestRateHalvingAccuracy) {
  EXPECT_DOUBLE_EQ(*threshold_crossing({{1e-3, 0.9, 1}, {1e-5, 0.2, 1}, {1e-4, 0.5, 1}}), 1e-4);
  EXPECT_FALSE(threshold_crossing({{1e-3, 0.49, 1}}).has_value());
}

TEST(WeightMetrics, RelativeChangeAndDecades) {
  EXPECT_DOUBLE_EQ(*relative_change(0.8, 0.4), 0.5);
  EXPECT_FALSE(relative_change(std::nullopt, 0.4).has_value());
  EXPECT_FALSE(relative_change(0.0, 0.4).has_value());
  EXPECT_EQ(fault_count_decade(0), -1);
  EXPECT_EQ(fault_count_decade(1), 0);
  EXPECT_EQ(fault_count_decade(9), 0);
  EXPECT_EQ(fault_count_decade(10), 1);
  EXPECT_EQ(fault_count_decade(999), 2);
  EXPECT_EQ(fault_count_decade(UINT64_MAX), 19);
}

TEST(WeightMetrics, MeanIntervalIsStudentT) {
  const auto interval = mean_interval(0.5, 0.1, 10, 0.95);
  ASSERT_TRUE(interval);
  const double half = 2.2621571627409915 * 0.1 / std::sqrt(10.0);
  EXPECT_NEAR(interval->low, 0.5 - half, 1e-9);
  EXPECT_NEAR(interval->high, 0.5 + half, 1e-9);
  EXPECT_FALSE(mean_interval(0.5, 0.1, 1, 0.95).has_value());
  EXPECT_EQ(mean_interval(0.99, 0.1, 2, 0.95)->high, 1.0);
}

}  // namespace
}  // namespace beamline::report
