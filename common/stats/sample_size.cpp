#include "common/stats/sample_size.h"

#include <cmath>
#include <string>

#include "common/error.h"
#include "common/stats/checks.h"
#include "common/stats/interval.h"

namespace beamline::stats {
namespace {

// A computed n like 384.0000000001 is 384 within rounding, not 385.
constexpr double kRoundingSlack = 1e-9;

void check_population(std::optional<std::uint64_t> population) {
  if (population && *population == 0) throw Error("population must be at least 1, got 0");
}

}  // namespace

std::uint64_t leveugle_sample_size(double margin, double confidence, double expected_rate,
                                   std::optional<std::uint64_t> population) {
  check_open_unit_interval("margin", margin);
  check_open_unit_interval("expected rate p", expected_rate);
  check_population(population);
  const double t = two_sided_normal_quantile(confidence);
  const double variance_term = t * t * expected_rate * (1.0 - expected_rate);
  double trials = variance_term / (margin * margin);
  if (population) {
    const auto sites = static_cast<double>(*population);
    trials = sites / (1.0 + margin * margin * (sites - 1.0) / variance_term);
  }
  return static_cast<std::uint64_t>(std::ceil(trials - kRoundingSlack));
}

double leveugle_margin(std::uint64_t trials, double confidence, double expected_rate,
                       std::optional<std::uint64_t> population) {
  if (trials == 0) throw Error("trials must be at least 1, got 0");
  check_open_unit_interval("expected rate p", expected_rate);
  check_population(population);
  if (population && trials > *population) {
    throw Error("trials (" + std::to_string(trials) + ") must not exceed the population (" +
                std::to_string(*population) + ")");
  }
  const double t = two_sided_normal_quantile(confidence);
  const auto n = static_cast<double>(trials);
  double variance_of_rate = expected_rate * (1.0 - expected_rate) / n;
  if (population) {
    // Having drawn every site leaves no sampling error (also covers N = 1).
    if (trials == *population) return 0.0;
    const auto sites = static_cast<double>(*population);
    variance_of_rate *= (sites - n) / (sites - 1.0);
  }
  return t * std::sqrt(variance_of_rate);
}

}  // namespace beamline::stats
