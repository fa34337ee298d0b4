#pragma once
// Confidence intervals for a binomial rate k/n (an SDC rate, an accuracy).
//
// wilson is the default: it stays inside [0, 1], is not degenerate at k = 0 or
// k = n, and its coverage is close to nominal for the n of a campaign.
// exact is Clopper-Pearson: coverage at least nominal, wider; the choice when
// a report must never overstate precision.
//
// Bad arguments (n = 0, k > n, confidence outside (0, 1)) throw beamline::Error.
#include <cstdint>
#include <string>
#include <string_view>

namespace beamline::stats {

enum class IntervalMethod { wilson, exact };

struct Interval {
  double low;
  double high;
};

// Two-sided standard normal quantile: z with P(|Z| <= z) = confidence
// (1.959964 for 0.95), from Boost.Math.
double two_sided_normal_quantile(double confidence);

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence = 0.95);
Interval clopper_pearson_interval(std::uint64_t successes, std::uint64_t trials,
                                  double confidence = 0.95);
Interval binomial_interval(std::uint64_t successes, std::uint64_t trials, double confidence,
                           IntervalMethod method);

// "wilson" / "exact"; parse throws beamline::Error for anything else.
std::string to_string(IntervalMethod method);
IntervalMethod parse_interval_method(std::string_view name);

}  // namespace beamline::stats
