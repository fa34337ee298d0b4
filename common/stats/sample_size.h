#pragma once
// How many fault-injection trials a campaign needs, and what margin a number
// of trials buys: Leveugle, Calvez, Maistri, Vanhauwaert, "Statistical fault
// injection: quantified error and confidence", DATE 2009.
//
//   n = N / (1 + e^2 (N - 1) / (t^2 p (1 - p)))
//
// N is the population (the number of possible fault sites), e the margin of
// error, t the two-sided normal quantile of the confidence, p the expected
// rate (0.5, the worst case, when nothing is known). Without N (an effectively
// infinite site space, as for activation faults) it is n = t^2 p (1 - p) / e^2.
//
// Bad arguments throw beamline::Error naming the parameter.
#include <cstdint>
#include <optional>

namespace beamline::stats {

inline constexpr double kWorstCaseRate = 0.5;

// Smallest whole number of trials reaching the margin (never more than N).
std::uint64_t leveugle_sample_size(double margin, double confidence,
                                   double expected_rate = kWorstCaseRate,
                                   std::optional<std::uint64_t> population = std::nullopt);

// The margin e reached after the given trials (the formula solved for e):
//   e = t sqrt(p (1 - p) / n * (N - n) / (N - 1)), or t sqrt(p (1 - p) / n).
double leveugle_margin(std::uint64_t trials, double confidence,
                       double expected_rate = kWorstCaseRate,
                       std::optional<std::uint64_t> population = std::nullopt);

}  // namespace beamline::stats
