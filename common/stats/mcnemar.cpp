#include "common/stats/mcnemar.h"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>

namespace beamline::stats {

double mcnemar_exact_p_value(std::uint64_t only_first_failed, std::uint64_t only_second_failed) {
  const std::uint64_t discordant = only_first_failed + only_second_failed;
  if (discordant == 0) return 1.0;
  const boost::math::binomial_distribution<> fair_coin(static_cast<double>(discordant), 0.5);
  const auto smaller = static_cast<double>(std::min(only_first_failed, only_second_failed));
  return std::min(1.0, 2.0 * boost::math::cdf(fair_coin, smaller));
}

}  // namespace beamline::stats
