#include "worker/units/synthetic_runner.h"

#include <fmt/core.h>

#include <chrono>
#include <thread>

#include "common/campaign/synthetic.h"
#include "common/error.h"
#include "common/fault/fault_model.h"
#include "common/protocol/wire_outcome.h"

namespace beamline::units {
namespace {

campaign::SyntheticRates rates_of(const wire::ModelRef& model) {
  campaign::SyntheticRates rates;
  rates.sdc = model.synthetic_sdc_rate();
  rates.due = model.synthetic_due_rate();
  rates.masked_correct = model.synthetic_masked_correct_rate();
  rates.trial_ms = model.synthetic_trial_ms();
  return rates;
}

wire::TrialResult transient_trial(const wire::WorkUnit& unit, fault::FaultModel fault,
                                  const campaign::SyntheticRates& rates, uint64_t index) {
  const auto trial = campaign::run_synthetic_trial(unit.seed(), unit.site_key(), index, fault, rates);
  wire::TrialResult result;
  result.set_cell_id(unit.cell_id());
  result.set_trial_index(index);
  result.set_outcome(protocol::to_wire(trial.outcome));
  result.set_site(trial.site);
  result.set_first_divergence_step(static_cast<int32_t>(trial.first_divergence_step));
  result.set_input_index(unit.input_index());
  return result;
}

wire::TrialResult weight_trial(const wire::WorkUnit& unit, const campaign::SyntheticRates& rates, uint64_t index) {
  const auto trial =
      campaign::run_synthetic_weight_trial(unit.seed(), unit.site_key(), index, unit.dataset().inputs(), rates);
  wire::TrialResult result;
  result.set_cell_id(unit.cell_id());
  result.set_trial_index(index);
  result.set_outcome(protocol::to_wire(trial.outcome));
  result.set_site(fmt::format("synthetic:weights,rate={}", unit.fault().rate()));
  result.set_first_divergence_step(trial.outcome == campaign::Outcome::masked_identical ? -1 : 0);
  result.set_input_index(unit.input_index());
  result.set_accuracy(trial.accuracy);
  result.set_non_finite(trial.non_finite);
  result.set_fault_count(trial.fault_count);
  return result;
}

}  // namespace

void SyntheticRunner::run(const wire::WorkUnit& unit, const EmitBatch& emit, const std::atomic<bool>& stop) {
  if (unit.model().kind() != "synthetic") {
    throw Error(fmt::format("unit {}: model '{}' is of kind '{}', not synthetic", unit.unit_id(), unit.model().name(),
                            unit.model().kind()));
  }
  const auto fault = fault::parse_fault_model(unit.fault().model());
  const auto rates = rates_of(unit.model());
  const bool weights = campaign::is_weight_fault(fault);
  const auto pause = std::chrono::duration<double, std::milli>(rates.trial_ms);

  UnitBatch batch;
  for (uint64_t index = unit.trial_begin(); index < unit.trial_end(); ++index) {
    if (stop.load()) return;  // trials already emitted stay valid; the rest are re-run elsewhere
    if (rates.trial_ms > 0) std::this_thread::sleep_for(pause);
    batch.trials.push_back(weights ? weight_trial(unit, rates, index) : transient_trial(unit, fault, rates, index));
    if (batch.trials.size() >= batch_trials_) {
      emit(std::move(batch));
      batch = UnitBatch{};
    }
  }
  if (!batch.trials.empty()) emit(std::move(batch));
}

}  // namespace beamline::units
