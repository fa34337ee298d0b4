#pragma once
// The exact McNemar test for two protections run on the same fault sites
// (DESIGN.md "Determinism": the paired design). Only discordant trials carry
// information: b = trials where protection A gave SDC and B did not, c = the
// reverse. Under "no difference" b ~ Binomial(b + c, 1/2).
#include <cstdint>

namespace beamline::stats {

// Two-sided exact p-value: min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c,
// 1/2) (Boost.Math). 1 when there are no discordant pairs.
double mcnemar_exact_p_value(std::uint64_t only_first_failed, std::uint64_t only_second_failed);

}  // namespace beamline::stats
