#pragma once
// The `synthetic` model kind: a trial that returns an outcome drawn at the
// model's configured rates, at once. It exercises the whole orchestration
// (units, leases, results, resume, reports) without LibTorch. Draws follow
// the same determinism rule as real trials: a pure function of (campaign
// seed, site key, trial index), so every protection sees the same outcome
// and a re-run reproduces every row.
#include <cstdint>
#include <string>

#include "common/campaign/campaign_spec.h"
#include "common/campaign/outcome.h"

namespace beamline::campaign {

struct SyntheticTrial {
  Outcome outcome = Outcome::masked_identical;
  std::string site;                  // "synthetic:u=0.123456" (the draw that decided it)
  int64_t first_divergence_step = -1;  // 0 when the outcome differs from golden, else -1
};

// Fault model `none` is always masked_identical (the null fault's contract).
SyntheticTrial run_synthetic_trial(uint64_t seed, const std::string& site_key, uint64_t trial_index,
                                   fault::FaultModel fault, const SyntheticRates& rates);

// A weight-fault trial on `inputs` inputs: each input independently due,
// wrong or right at the rates. Outcome: due when any input is non-finite,
// sdc when any is wrong, else masked_identical. No weights exist, so the
// fault count is 0.
struct SyntheticWeightTrial {
  Outcome outcome = Outcome::masked_identical;
  double accuracy = 1.0;
  uint64_t non_finite = 0;
  uint64_t fault_count = 0;
};
SyntheticWeightTrial run_synthetic_weight_trial(uint64_t seed, const std::string& site_key, uint64_t trial_index,
                                                int64_t inputs, const SyntheticRates& rates);

}  // namespace beamline::campaign
