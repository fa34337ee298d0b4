#pragma once
// A weight-fault unit's trials: each trial corrupts the cached model's
// selected weights (worker/weightfaults), evaluates the cell's evaluation
// set -- the dataset's selected inputs -- restores the model bit for bit,
// and is emitted on its own (one trial is a whole evaluation).
#include <atomic>
#include <vector>

#include "common/campaign/outcome.h"
#include "schema/beamline.pb.h"
#include "worker/engine/golden_run.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"
#include "worker/units/transient_unit.h"
#include "worker/weightfaults/accuracy_eval.h"
#include "worker/weightfaults/weight_trial.h"

namespace beamline::units {

// The unit's cell as worker/weightfaults knows it: the selection is read
// with the campaign's grammar. Throws beamline::Error when a field does not
// parse or the key they give is not the unit's site_key.
weightfaults::WeightCell weight_cell_of(const wire::WorkUnit& unit);

// FaultRef.choice_scoring ("generation" | "loglikelihood"; empty:
// generation) and the generation lengths of the inputs.
weightfaults::EvalOptions weight_eval_options(const wire::WorkUnit& unit);

// How a weight trial's evaluation compares with the fault-free one of the
// same inputs, protection and scoring (the outcome column of its row):
// due: some output had a non-finite logit; sdc: an input the fault-free
// model gets right is now wrong; masked_identical: every output as
// fault-free; masked_correct: outputs changed, no right answer lost.
campaign::Outcome weight_outcome(const weightfaults::EvalSummary& trial, const weightfaults::EvalSummary& fault_free);

struct WeightInput {
  runtime::LoadedModel* model = nullptr;
  const std::vector<judge::DatasetInput>* eval_set = nullptr;
  const weightfaults::EvalSummary* fault_free = nullptr;  // same inputs, protection, options
  engine::ProtectionSetup protection;
  weightfaults::EvalOptions eval;
};

// Emits every trial of the unit's range once, in order, unless `stop`
// turns true between trials.
void run_weight_trials(const wire::WorkUnit& unit, const WeightInput& in, const EmitTrials& emit,
                       const std::atomic<bool>& stop);

}  // namespace beamline::units
