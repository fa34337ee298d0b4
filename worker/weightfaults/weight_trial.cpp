#include "worker/weightfaults/weight_trial.h"

#include "common/campaign/cell_key.h"
#include "common/rng.h"

namespace beamline::weightfaults {

// The one definition of the key lives in common/campaign: a campaign cell
// and `beamline trial --fault bit_error_rate ...` draw the same faults.
std::string WeightCell::key() const {
  return campaign::weight_site_key(model, dataset, fault, rate, to_campaign_selection(selection));
}

std::vector<FaultTarget> fault_targets(const runtime::LoadedModel& model, const WeightSelection& selection) {
  const bool emulate = model.model().numerics().emulate_float16;
  std::vector<FaultTarget> targets;
  for (const runtime::NamedWeight& w : select_weights(model.model(), selection)) {
    targets.push_back({w.tensor, storage_encoding_of(w.tensor, emulate)});
  }
  return targets;
}

FaultPlan draw_trial_faults(const WeightCell& cell, uint64_t seed, uint64_t trial_index,
                            const std::vector<FaultTarget>& targets) {
  CounterRng rng(seed, cell.key(), trial_index);
  return draw_fault_plan(rng, extents_of(targets), cell.fault, cell.rate);
}

WeightTrialResult run_weight_trial(runtime::LoadedModel& model, const std::vector<judge::DatasetInput>& eval_set,
                                   const WeightCell& cell, uint64_t seed, uint64_t trial_index,
                                   const engine::ProtectionSetup& protection, const EvalOptions& options) {
  const std::vector<FaultTarget> targets = fault_targets(model, cell.selection);
  const FaultPlan plan = draw_trial_faults(cell, seed, trial_index, targets);
  WeightTrialResult result;
  result.trial_index = trial_index;
  result.population = plan.population;
  result.fault_count = plan.fault_count;
  AppliedFaults applied(targets, plan);
  result.elements_touched = applied.elements_touched();
  result.eval = evaluate(model, eval_set, protection, options);
  applied.restore();
  return result;
}

}  // namespace beamline::weightfaults
