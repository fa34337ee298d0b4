#pragma once
// The weight-fault half of `beamline trial` (--fault bit_error_rate |
// value_uniform01): the options it adds to the trial subcommand and the
// run, which prints one JSON object per trial (accuracy, non-finite
// outputs, faults injected).
#include <cstdint>
#include <string>

#include "worker/cli/model_options.h"
#include "worker/engine/golden_run.h"

namespace CLI {
class App;
}

namespace beamline::worker {

// The names a cell key gives the model and the dataset. A campaign uses
// its [[model]] and [[dataset]] names; by hand they default to the model
// directory's and the dataset file's name (--model-name, --dataset-name
// replay a campaign's stored trial).
struct CellNames {
  std::string model;    // empty: the model directory's name
  std::string dataset;  // empty: the dataset (eval set) file's name
};

struct WeightTrialOptions {
  double rate = -1;          // required for weight faults
  std::string components;    // --components a,b
  std::string layer_group;   // --layer-group 0-3 | G
  int64_t group_size = 4;    // --group-size, for a group number
  std::string tensors;       // --tensors a,b
  std::string eval_set;      // --eval-set FILE (else --dataset)
  std::string scoring = "generate";
};

// True for the fault models `trial` hands to run_weight_trials.
bool is_weight_fault_name(const std::string& fault);

void add_weight_trial_options(CLI::App* command, WeightTrialOptions& options);

// Trials first_trial .. first_trial + count - 1, one JSON line each.
// Throws beamline::Error naming the option at fault.
void run_weight_trials(const WeightTrialOptions& options, const ModelOptions& model_options,
                       const DatasetOptions& dataset_options, const std::string& fault, uint64_t seed,
                       uint64_t first_trial, int64_t count, const engine::ProtectionSetup& protection,
                       const std::string& protection_name, const CellNames& names = {});

}  // namespace beamline::worker
