#pragma once
// Pearson's chi-square goodness-of-fit test for the sampler tests.
#include <boost/math/distributions/chi_squared.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace beamline::weightfaults::testing {

// The p-value of observed counts against expected counts (same length, the
// expected ones summing to the same total). Bins with an expected count
// below 5 are pooled with their neighbours first, so the chi-square
// approximation holds.
inline double chi_square_p_value(const std::vector<double>& observed, const std::vector<double>& expected) {
  std::vector<double> obs;
  std::vector<double> exp;
  double pending_obs = 0;
  double pending_exp = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    pending_obs += observed[i];
    pending_exp += expected[i];
    if (pending_exp >= 5.0) {
      obs.push_back(pending_obs);
      exp.push_back(pending_exp);
      pending_obs = pending_exp = 0;
    }
  }
  if (pending_exp > 0 || pending_obs > 0) {  // the tail joins the last bin
    obs.back() += pending_obs;
    exp.back() += pending_exp;
  }
  double statistic = 0;
  for (size_t i = 0; i < obs.size(); ++i) statistic += (obs[i] - exp[i]) * (obs[i] - exp[i]) / exp[i];
  const boost::math::chi_squared_distribution<double> chi2(static_cast<double>(obs.size() - 1));
  return boost::math::cdf(boost::math::complement(chi2, statistic));
}

}  // namespace beamline::weightfaults::testing
