// beamline trial --fault bit_error_rate|value_uniform01: persistent weight
// faults. Each trial draws its faults from (--seed, the cell key, --trial),
// writes them into the model, evaluates the eval set, restores the model
// exactly, and prints one JSON object.
#include "worker/cli/weight_trial_command.h"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/fault/fault_model.h"
#include "worker/weightfaults/weight_trial.h"

namespace beamline::worker {
namespace {

weightfaults::WeightSelection selection_of(const WeightTrialOptions& options) {
  const int given = !options.components.empty() + !options.layer_group.empty() + !options.tensors.empty();
  if (given != 1) {
    throw Error("weight faults need exactly one of --components, --layer-group or --tensors");
  }
  if (!options.components.empty()) return weightfaults::parse_components_selection(options.components);
  if (!options.layer_group.empty()) return weightfaults::parse_layer_group(options.layer_group, options.group_size);
  return weightfaults::parse_tensors_selection(options.tensors);
}

}  // namespace

bool is_weight_fault_name(const std::string& fault) {
  return fault == "bit_error_rate" || fault == "value_uniform01";
}

void add_weight_trial_options(CLI::App* command, WeightTrialOptions& options) {
  command->add_option("--rate", options.rate,
                      "Weight faults: p per bit (bit_error_rate) or per element (value_uniform01)");
  command->add_option("--components", options.components,
                      "Weight faults: embedding,attention,feed_forward,norm,lm_head (any of them)");
  command->add_option("--layer-group", options.layer_group,
                      "Weight faults: blocks FIRST-LAST (e.g. 0-3), or a group number of --group-size blocks");
  command->add_option("--group-size", options.group_size, "Weight faults: blocks per --layer-group number")
      ->capture_default_str();
  command->add_option("--tensors", options.tensors, "Weight faults: tensor names (beamline model-info lists them)");
  command->add_option("--eval-set", options.eval_set, "Weight faults: evaluation set JSONL (default: --dataset)");
  command->add_option("--scoring", options.scoring, "Weight faults: choice scoring, generate or loglik")
      ->capture_default_str();
}

void run_weight_trials(const WeightTrialOptions& options, const ModelOptions& model_options,
                       const DatasetOptions& dataset_options, const std::string& fault, uint64_t seed,
                       uint64_t first_trial, int64_t count, const engine::ProtectionSetup& protection,
                       const std::string& protection_name, const CellNames& names) {
  if (options.rate < 0 || options.rate > 1) throw Error("--rate: weight faults need a probability in [0, 1]");
  if (count < 1) throw Error("--count: expected at least 1");
  DatasetOptions eval_options = dataset_options;
  if (!options.eval_set.empty()) eval_options.path = options.eval_set;
  if (eval_options.path.empty()) throw Error("weight faults need --eval-set FILE");

  weightfaults::WeightCell cell;
  cell.model = names.model.empty() ? std::filesystem::path(model_options.model_dir).filename().string() : names.model;
  cell.dataset = names.dataset.empty() ? std::filesystem::path(eval_options.path).filename().string() : names.dataset;
  cell.fault = fault::parse_fault_model(fault);
  cell.rate = options.rate;
  cell.selection = selection_of(options);
  weightfaults::EvalOptions eval;
  eval.choice_scoring = weightfaults::parse_choice_scoring(options.scoring);
  eval.default_max_new_tokens = eval_options.max_new_tokens;

  const auto inputs = load_inputs(eval_options);
  if (inputs.empty()) throw Error("--eval-set " + eval_options.path + ": no inputs");
  const auto model = load_model(model_options);
  for (int64_t k = 0; k < count; ++k) {
    const uint64_t trial = first_trial + static_cast<uint64_t>(k);
    const weightfaults::WeightTrialResult r =
        weightfaults::run_weight_trial(*model, inputs, cell, seed, trial, protection, eval);
    nlohmann::json out;
    out["trial"] = trial;
    out["fault"] = fault;
    out["rate"] = cell.rate;
    out["selection"] = cell.selection.text();
    out["protection"] = protection_name;
    out["scoring"] = weightfaults::to_string(eval.choice_scoring);
    out["dtype"] = model->dtype_label();
    out["inputs"] = r.eval.inputs;
    out["correct"] = r.eval.correct;
    out["accuracy"] = r.eval.accuracy();
    out["non_finite"] = r.eval.non_finite;
    out["faults"] = r.fault_count;
    out["population"] = r.population;
    out["elements_touched"] = r.elements_touched;
    out["corrections"] = r.eval.corrections;
    fmt::print("{}\n", out.dump());
  }
}

}  // namespace beamline::worker
