#include "worker/units/weight_unit.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>

#include "common/error.h"
#include "common/protocol/wire_outcome.h"
#include "worker/units/trial_setup.h"

namespace beamline::units {

weightfaults::WeightCell weight_cell_of(const wire::WorkUnit& unit) {
  weightfaults::WeightCell cell;
  cell.model = unit.model().name();
  cell.dataset = unit.dataset().name();
  cell.fault = fault::parse_fault_model(unit.fault().model());
  cell.rate = unit.fault().rate();
  if (!(cell.rate >= 0.0 && cell.rate <= 1.0)) {
    throw Error(fmt::format("fault rate {} is not a probability in [0, 1]", cell.rate));
  }
  cell.selection = weightfaults::parse_weight_selection(unit.fault().selection());
  if (cell.key() != unit.site_key()) {
    throw Error(fmt::format("site key '{}' does not match the unit's fields, which give '{}'", unit.site_key(),
                            cell.key()));
  }
  return cell;
}

weightfaults::EvalOptions weight_eval_options(const wire::WorkUnit& unit) {
  weightfaults::EvalOptions options;
  const std::string& scoring = unit.fault().choice_scoring();
  options.choice_scoring = weightfaults::parse_choice_scoring(scoring.empty() ? "generation" : scoring);
  options.default_max_new_tokens = kDefaultMaxNewTokens;
  return options;
}

campaign::Outcome weight_outcome(const weightfaults::EvalSummary& trial, const weightfaults::EvalSummary& fault_free) {
  if (trial.non_finite > 0) return campaign::Outcome::due;
  if (trial.verdicts.size() != fault_free.verdicts.size()) {
    throw Error("weight trial: the evaluation and its fault-free reference cover different inputs");
  }
  bool identical = true;
  for (size_t i = 0; i < trial.verdicts.size(); ++i) {
    if (fault_free.verdicts[i].correct && !trial.verdicts[i].correct) return campaign::Outcome::sdc;
    identical = identical && trial.verdicts[i].output == fault_free.verdicts[i].output;
  }
  return identical ? campaign::Outcome::masked_identical : campaign::Outcome::masked_correct;
}

void run_weight_trials(const wire::WorkUnit& unit, const WeightInput& in, const EmitTrials& emit,
                       const std::atomic<bool>& stop) {
  const weightfaults::WeightCell cell = weight_cell_of(unit);
  for (uint64_t trial = unit.trial_begin(); trial < unit.trial_end(); ++trial) {
    if (stop.load()) return;
    const auto start = std::chrono::steady_clock::now();
    const weightfaults::WeightTrialResult r =
        weightfaults::run_weight_trial(*in.model, *in.eval_set, cell, unit.seed(), trial, in.protection, in.eval);
    wire::TrialResult t;
    t.set_cell_id(unit.cell_id());
    t.set_trial_index(trial);
    t.set_outcome(protocol::to_wire(weight_outcome(r.eval, *in.fault_free)));
    // The faults themselves are a pure function of (seed, site key, trial):
    // `beamline trial --fault ... --seed S --trial I` replays them.
    t.set_site(fmt::format("weight:faults={},elements={},population={}", r.fault_count, r.elements_touched,
                           r.population));
    t.set_corrections(static_cast<uint64_t>(std::max<int64_t>(r.eval.corrections, 0)));
    t.set_first_divergence_step(-1);
    t.set_duration_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    t.set_input_index(-1);
    t.set_accuracy(r.eval.accuracy());
    t.set_non_finite(static_cast<uint64_t>(r.eval.non_finite));
    t.set_fault_count(r.fault_count);
    std::vector<wire::TrialResult> batch;
    batch.push_back(std::move(t));
    emit(std::move(batch));
  }
}

}  // namespace beamline::units
