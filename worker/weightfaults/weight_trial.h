#pragma once
// One weight-fault trial: draw the cell's faults for a trial index, write
// them into the model, evaluate the corrupted model on the cell's
// evaluation set, restore the model exactly.
//
// Determinism (DESIGN.md): the faults are a pure function of (campaign
// seed, WeightCell::key(), trial index). The key leaves out the protection
// and the choice scoring on purpose: every protection and both scorings of
// a cell see the same faults, so they can be compared trial by trial.
#include <cstdint>
#include <string>
#include <vector>

#include "common/fault/fault_model.h"
#include "worker/engine/golden_run.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"
#include "worker/weightfaults/accuracy_eval.h"
#include "worker/weightfaults/fault_plan.h"
#include "worker/weightfaults/weight_injection.h"
#include "worker/weightfaults/weight_selection.h"

namespace beamline::weightfaults {

struct WeightCell {
  std::string model;    // model name as the campaign gives it
  std::string dataset;  // evaluation set name as the campaign gives it
  fault::FaultModel fault = fault::FaultModel::bit_error_rate;
  double rate = 0.0;  // p per bit (bit_error_rate) or per element (value_uniform01)
  WeightSelection selection;

  // "weight|model=M|dataset=D|fault=F|rate=P|selection=X" (P the shortest
  // text that reads back as the same double): campaign::weight_site_key,
  // the site key of the campaign's weight cell.
  std::string key() const;
};

// The model tensors `selection` covers, with their stored encodings.
std::vector<FaultTarget> fault_targets(const runtime::LoadedModel& model, const WeightSelection& selection);

// The faults of trial `trial_index` of `cell` on `targets`.
FaultPlan draw_trial_faults(const WeightCell& cell, uint64_t seed, uint64_t trial_index,
                            const std::vector<FaultTarget>& targets);

struct WeightTrialResult {
  uint64_t trial_index = 0;
  uint64_t population = 0;       // bits or elements the selection holds
  uint64_t fault_count = 0;      // bits flipped or elements replaced
  int64_t elements_touched = 0;  // distinct elements changed
  EvalSummary eval;
};

// Runs one trial; the model is restored bit for bit before it returns or
// throws.
WeightTrialResult run_weight_trial(runtime::LoadedModel& model, const std::vector<judge::DatasetInput>& eval_set,
                                   const WeightCell& cell, uint64_t seed, uint64_t trial_index,
                                   const engine::ProtectionSetup& protection, const EvalOptions& options);

}  // namespace beamline::weightfaults
