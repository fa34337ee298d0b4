#pragma once
// The UnitRunner for `synthetic` model units (common/campaign/synthetic.h):
// no model, no data, no LibTorch. Each trial is an outcome drawn from
// (seed, site key, trial index) at the unit's rates, so a reissued unit
// gives the same rows. make_unit_runner dispatches synthetic units here;
// the daemon tests use it directly.
#include "worker/units/unit_runner.h"

namespace beamline::units {

class SyntheticRunner final : public UnitRunner {
 public:
  SyntheticRunner() = default;
  // Trials per emitted batch (a batch is one Results message).
  explicit SyntheticRunner(size_t batch_trials) : batch_trials_(batch_trials) {}

  // Throws beamline::Error when the unit is not a synthetic one.
  void run(const wire::WorkUnit& unit, const EmitBatch& emit, const std::atomic<bool>& stop) override;

 private:
  size_t batch_trials_ = 500;
};

}  // namespace beamline::units
