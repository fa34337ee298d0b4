#include "common/campaign/synthetic.h"

#include <fmt/core.h>

#include "common/rng.h"

namespace beamline::campaign {
namespace {

// Intervals [0, due), [due, due+sdc), [.., ..+masked_correct), rest.
Outcome outcome_of(double u, const SyntheticRates& rates) {
  if (u < rates.due) return Outcome::due;
  if (u < rates.due + rates.sdc) return Outcome::sdc;
  if (u < rates.due + rates.sdc + rates.masked_correct) return Outcome::masked_correct;
  return Outcome::masked_identical;
}

}  // namespace

SyntheticTrial run_synthetic_trial(uint64_t seed, const std::string& site_key, uint64_t trial_index,
                                   fault::FaultModel fault, const SyntheticRates& rates) {
  CounterRng rng(seed, site_key, trial_index);
  const double u = rng.next_double();
  SyntheticTrial trial;
  trial.site = fmt::format("synthetic:u={:.6f}", u);
  trial.outcome = fault == fault::FaultModel::none ? Outcome::masked_identical : outcome_of(u, rates);
  if (trial.outcome != Outcome::masked_identical) trial.first_divergence_step = 0;
  return trial;
}

SyntheticWeightTrial run_synthetic_weight_trial(uint64_t seed, const std::string& site_key, uint64_t trial_index,
                                                int64_t inputs, const SyntheticRates& rates) {
  CounterRng rng(seed, site_key, trial_index);
  SyntheticWeightTrial trial;
  int64_t correct = 0;
  bool wrong = false;
  for (int64_t i = 0; i < inputs; ++i) {
    const Outcome outcome = outcome_of(rng.next_double(), rates);
    if (outcome == Outcome::due) ++trial.non_finite;
    if (outcome == Outcome::sdc) wrong = true;
    if (outcome == Outcome::masked_identical || outcome == Outcome::masked_correct) ++correct;
  }
  trial.accuracy = inputs > 0 ? static_cast<double>(correct) / static_cast<double>(inputs) : 1.0;
  trial.outcome = trial.non_finite > 0 ? Outcome::due : (wrong ? Outcome::sdc : Outcome::masked_identical);
  return trial;
}

}  // namespace beamline::campaign
