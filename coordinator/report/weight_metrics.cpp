#include "coordinator/report/weight_metrics.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace beamline::report {

std::optional<stats::Interval> mean_interval(double mean, double sd, uint64_t n, double confidence) {
  if (n < 2 || !std::isfinite(sd)) return std::nullopt;
  const boost::math::students_t distribution(static_cast<double>(n - 1));
  const double t = boost::math::quantile(boost::math::complement(distribution, (1 - confidence) / 2));
  const double half = t * sd / std::sqrt(static_cast<double>(n));
  return stats::Interval{std::max(0.0, mean - half), std::min(1.0, mean + half)};
}

std::optional<double> relative_change(std::optional<double> baseline, double accuracy) {
  if (!baseline || *baseline <= 0) return std::nullopt;
  return (*baseline - accuracy) / *baseline;
}

std::optional<double> awrcl(const std::vector<CurvePoint>& points) {
  double weighted = 0, weights = 0;
  for (const auto& point : points) {
    weighted += point.weight * point.relative_change;
    weights += point.weight;
  }
  if (weights <= 0) return std::nullopt;
  return weighted / weights;
}

std::optional<double> threshold_crossing(std::vector<CurvePoint> points, double degradation) {
  std::sort(points.begin(), points.end(), [](const CurvePoint& a, const CurvePoint& b) { return a.x < b.x; });
  for (const auto& point : points) {
    if (point.relative_change >= degradation) return point.x;
  }
  return std::nullopt;
}

int fault_count_decade(uint64_t count) {
  int decade = -1;
  for (uint64_t bound = 1; bound <= count; ++decade) {
    if (bound > UINT64_MAX / 10) return decade + 1;
    bound *= 10;
  }
  return decade;
}

double study_nan_probability(double p, double parameters, int exponent_bits, int mantissa_bits) {
  const double per_parameter =
      p * std::pow(1 - p, exponent_bits - 1) * (1 - std::pow(2.0, -static_cast<double>(mantissa_bits)));
  // 1 - (1 - q)^n without cancellation for tiny q.
  return -std::expm1(parameters * std::log1p(-per_parameter));
}

std::optional<FloatLayout> float_layout(const std::string& dtype) {
  if (dtype == "float32") return FloatLayout{8, 23, 32};
  if (dtype == "bfloat16") return FloatLayout{8, 7, 16};
  if (dtype == "float16") return FloatLayout{5, 10, 16};
  return std::nullopt;
}

}  // namespace beamline::report
