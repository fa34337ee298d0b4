#include "common/stats/interval.h"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "common/error.h"
#include "common/stats/checks.h"

namespace beamline::stats {
namespace {

void check_counts(std::uint64_t successes, std::uint64_t trials) {
  if (trials == 0) throw Error("trials must be at least 1, got 0");
  if (successes > trials) {
    throw Error("successes (" + std::to_string(successes) + ") must not exceed trials (" +
                std::to_string(trials) + ")");
  }
}

}  // namespace

double two_sided_normal_quantile(double confidence) {
  check_open_unit_interval("confidence", confidence);
  const boost::math::normal standard_normal;
  return boost::math::quantile(standard_normal, 0.5 + confidence / 2.0);
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence) {
  check_counts(successes, trials);
  // Boost.Math has no Wilson interval; this is the score interval of Wilson
  // (1927), the inversion of the normal test, with z from Boost.
  const double z = two_sided_normal_quantile(confidence);
  const double n = static_cast<double>(trials);
  const double k = static_cast<double>(successes);
  const double z2 = z * z;
  const double centre = (k + z2 / 2.0) / (n + z2);
  const double half_width = z / (n + z2) * std::sqrt(k * (n - k) / n + z2 / 4.0);
  // At k = 0 (k = n) the lower (upper) end is exactly 0 (1); rounding would
  // otherwise leave a tiny non-zero value, so pin it.
  const double low = successes == 0 ? 0.0 : std::max(0.0, centre - half_width);
  const double high = successes == trials ? 1.0 : std::min(1.0, centre + half_width);
  return {low, high};
}

Interval clopper_pearson_interval(std::uint64_t successes, std::uint64_t trials,
                                  double confidence) {
  check_counts(successes, trials);
  check_open_unit_interval("confidence", confidence);
  using Binomial = boost::math::binomial_distribution<>;
  const double tail = (1.0 - confidence) / 2.0;
  const auto n = static_cast<double>(trials);
  const auto k = static_cast<double>(successes);
  // Boost returns 0 for k = 0 and 1 for k = n, the exact interval's ends.
  return {Binomial::find_lower_bound_on_p(n, k, tail), Binomial::find_upper_bound_on_p(n, k, tail)};
}

Interval binomial_interval(std::uint64_t successes, std::uint64_t trials, double confidence,
                           IntervalMethod method) {
  switch (method) {
    case IntervalMethod::wilson: return wilson_interval(successes, trials, confidence);
    case IntervalMethod::exact: return clopper_pearson_interval(successes, trials, confidence);
  }
  return wilson_interval(successes, trials, confidence);  // unreachable
}

std::string to_string(IntervalMethod method) {
  switch (method) {
    case IntervalMethod::wilson: return "wilson";
    case IntervalMethod::exact: return "exact";
  }
  return "unknown";
}

IntervalMethod parse_interval_method(std::string_view name) {
  if (name == "wilson") return IntervalMethod::wilson;
  if (name == "exact") return IntervalMethod::exact;
  throw Error("unknown interval method '" + std::string(name) + "' (expected wilson or exact)");
}

}  // namespace beamline::stats
