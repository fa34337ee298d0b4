#pragma once
// The weight-fault study's numbers (../shared/seeds/000_...): relative
// change in accuracy, AWRCL, the 50%-degradation threshold and the
// analytic NaN probability. Pure functions, so they are tested on their
// own (tests/coordinator/report/weight_metrics_test.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/stats/interval.h"

namespace beamline::report {

// Interval of a mean over n independent trials with sample standard
// deviation sd: mean -+ t_{n-1} sd / sqrt(n) (Student's t, Boost.Math),
// clamped to [0, 1] (an accuracy). None for n < 2.
std::optional<stats::Interval> mean_interval(double mean, double sd, uint64_t n, double confidence);

// (baseline - accuracy) / baseline; none when the baseline is unknown or 0.
std::optional<double> relative_change(std::optional<double> baseline, double accuracy);

// One point of an accuracy curve: a tested rate (or fault-count decade)
// and its relative change.
struct CurvePoint {
  double x = 0;  // rate p, or the decade of injected faults
  double relative_change = 0;
  double weight = 1;
};

// AWRCL = sum w_i rc_i / sum w_i (the study's formula). The study does not
// give its weights; beamline uses w_i = 1 for every tested rate (the rates
// are log-spaced, so this is the mean over decades of p) and, by injected
// count, w_i = 1 for every decade of fault count that trials reached
// (docs/report.md). None for no points.
std::optional<double> awrcl(const std::vector<CurvePoint>& points);

// The smallest x whose relative change is at least 0.5 (accuracy halved);
// none when no point crosses.
std::optional<double> threshold_crossing(std::vector<CurvePoint> points, double degradation = 0.5);

// Decade of a fault count: floor(log10(count)), -1 for 0 faults.
int fault_count_decade(uint64_t count);

// The study's analytic probability that a model output is NaN at bit error
// rate p (section 6.1): 1 - (1 - p (1-p)^(E-1) (1 - 2^-M))^n, for n
// parameters in a format with E exponent and M mantissa bits (the study
// derives it for fp32, E = 8, M = 23, with weights in (0, 1)).
double study_nan_probability(double p, double parameters, int exponent_bits, int mantissa_bits);

struct FloatLayout {
  int exponent_bits = 8;
  int mantissa_bits = 23;
  int total_bits = 32;
};
// float32, bfloat16, float16; none for anything else.
std::optional<FloatLayout> float_layout(const std::string& dtype);

}  // namespace beamline::report
