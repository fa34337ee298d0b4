// beamline trial: a transient-fault trial on one input, printed as one JSON
// object. The site is given (--site) or drawn as a campaign would (--seed,
// --trial), so a stored site replays its trial exactly. --count N runs the
// trials T..T+N-1 through the batched engine, one JSON object per line.
// Weight faults (bit_error_rate, value_uniform01) go to
// weight_trial_command.cpp.
#include "worker/cli/trial_command.h"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "worker/cli/model_options.h"
#include "worker/cli/weight_trial_command.h"
#include "worker/engine/trial_engine.h"
#include "worker/engine/transient_cell.h"
#include "worker/units/trial_setup.h"

namespace beamline::worker {
namespace {

struct TrialArgs {
  ModelOptions model;
  DatasetOptions dataset;
  int64_t input = 0;
  bool input_given = false;
  std::string fault;
  std::string site;
  uint64_t seed = 0;
  int64_t trial = -1;
  int64_t count = 1;
  int64_t batch = 0;
  std::string protect = "none";
  std::string bounds;
  std::string policy = "clip_to_bound";
  double scale = 2.0;
  std::string targets;
  std::string sampling = "compute";
  WeightTrialOptions weight;
  CellNames names;
};

// The set-up and the site draws are worker/units' (trial_setup.h), so a
// trial run here reproduces the row a campaign unit stored.
engine::ProtectionSetup protection_setup(const TrialArgs& args) {
  if (args.bounds.empty() && protection::needs_offline_bounds(protection::parse_protection_kind(args.protect))) {
    throw Error("--protect " + args.protect + " needs --bounds FILE (write one with `beamline profile`)");
  }
  return units::make_protection_setup(args.protect, args.policy, args.scale, args.bounds);
}

void run_trial(const TrialArgs& args) {
  if (is_weight_fault_name(args.fault)) {
    if (!args.site.empty()) throw Error("--site is for transient faults; weight faults take --seed and --trial");
    if (args.input_given) {
      throw Error("--input is for transient faults; a weight-fault trial evaluates the whole eval set (see --limit)");
    }
    run_weight_trials(args.weight, args.model, args.dataset, args.fault, args.seed,
                      static_cast<uint64_t>(std::max<int64_t>(args.trial, 0)), args.count, protection_setup(args),
                      args.protect, args.names);
    return;
  }
  if (args.dataset.path.empty()) throw Error("--dataset is required for transient faults");
  const bool site_given = !args.site.empty();
  if (site_given == (args.trial >= 0)) throw Error("give either --site or --seed with --trial");
  const fault::FaultModel fault_model = fault::parse_fault_model(args.fault);
  const auto inputs = load_inputs(args.dataset);
  if (args.input < 0 || static_cast<size_t>(args.input) >= inputs.size()) {
    throw Error(fmt::format("--input {}: the dataset {} has inputs 0..{}", args.input, args.dataset.path,
                            inputs.size() - 1));
  }
  const judge::DatasetInput& input = inputs[static_cast<size_t>(args.input)];
  const engine::ProtectionSetup setup = protection_setup(args);
  const auto model = load_model(args.model);

  engine::EngineOptions options;
  options.generation.max_new_tokens = max_new_tokens_for(input, args.dataset);
  if (args.batch == 1 || args.batch < 0) throw Error("--batch: expected 0 (chosen from the device and model) or at least 2");
  options.max_batch = args.batch;
  const engine::GoldenRun golden = engine::run_golden(*model, input, setup, options.generation);

  std::vector<engine::TrialRequest> requests;
  if (site_given) {
    if (args.count != 1) throw Error("--count goes with --seed and --trial, not with --site");
    requests.push_back({0, sites::parse_site(args.site)});
  } else {
    if (args.count < 1) throw Error("--count: expected at least 1");
    // Sites are drawn on the unprotected golden run, so every protection
    // sees the same site for the same trial.
    engine::TransientCell cell;
    cell.model = args.names.model.empty() ? std::filesystem::path(args.model.model_dir).filename().string()
                                          : args.names.model;
    cell.dataset = args.names.dataset.empty() ? std::filesystem::path(args.dataset.path).filename().string()
                                              : args.names.dataset;
    cell.fault = fault_model;
    cell.sampling = sites::parse_site_sampling(args.sampling);
    cell.targets = engine::parse_targets(args.targets);
    const engine::GoldenRun unprotected =
        setup.options.kind == protection::ProtectionKind::none
            ? golden
            : engine::run_golden(*model, input, engine::ProtectionSetup{}, options.generation);
    requests = units::draw_trial_requests(cell, args.seed, static_cast<uint64_t>(args.trial),
                                          static_cast<uint64_t>(args.count), unprotected, *model);
  }

  engine::TrialEngine trial_engine(*model, setup, options);
  for (const engine::TrialResult& r : trial_engine.run(input, golden, requests)) {
    nlohmann::json out;
    if (!site_given) out["trial"] = r.trial_index;
    out["site"] = sites::format_site(r.site);
    out["fault"] = fault::to_string(fault_model);
    out["protection"] = args.protect;
    out["dtype"] = model->dtype_label();
    out["outcome"] = engine::to_string(r.outcome);
    out["output"] = r.text;
    out["golden"] = golden.text;
    out["golden_correct"] = golden.correct;
    out["corrections"] = r.corrections;
    out["first_divergence_step"] =
        r.first_divergence_step ? nlohmann::json(*r.first_divergence_step) : nlohmann::json();
    out["injected"] = r.injected;
    out["value_before"] = r.value_before;
    out["value_after"] = r.value_after;
    if (!r.error.empty()) out["error"] = r.error;
    fmt::print("{}\n", out.dump());
  }
}

}  // namespace

void add_trial_command(CLI::App& app) {
  auto args = std::make_shared<TrialArgs>();
  CLI::App* command = app.add_subcommand(
      "trial", "Run transient-fault trials on one input, or weight-fault trials on an eval set; one JSON line each");
  add_model_options(command, args->model);
  add_dataset_options(command, args->dataset);
  command->get_option("--dataset")->required(false);  // weight faults may give --eval-set instead
  CLI::Option* input_option =
      command->add_option("--input", args->input, "Input index in the dataset (0-based)")->capture_default_str();
  command
      ->add_option("--fault", args->fault,
                   "single_bit, double_bit, exponent_bit, none; weight faults: bit_error_rate, value_uniform01")
      ->required();
  command->add_option("--site", args->site, "step=S,block=B,layer=NAME,index=I,bits=N[+N]");
  command->add_option("--seed", args->seed, "Campaign seed (with --trial)")->capture_default_str();
  command->add_option("--trial", args->trial, "Trial index whose site to draw (with --seed)");
  command->add_option("--count", args->count, "Run trials --trial .. --trial + N - 1, one JSON line each")
      ->capture_default_str();
  command->add_option("--batch", args->batch, "Rows per forward batch, control included; 0: chosen from the device and model")
      ->capture_default_str();
  command->add_option("--protect", args->protect, "none, ranger, maximals, global_clipper, ft2, ft2_offline")
      ->capture_default_str();
  command->add_option("--bounds", args->bounds, "Offline bounds file (ranger, maximals, global_clipper, ft2_offline)");
  command->add_option("--policy", args->policy, "clip_to_bound or clip_to_zero")->capture_default_str();
  command->add_option("--scale", args->scale, "ft2 bound scale")->capture_default_str();
  command->add_option("--targets", args->targets, "layers=NAME,...;blocks=A-B,... (default: every linear layer)");
  command->add_option("--sampling", args->sampling, "compute or layer")->capture_default_str();
  command->add_option("--model-name", args->names.model,
                      "Model name in the cell key (a campaign's [[model]] name; default: the directory's name)");
  command->add_option("--dataset-name", args->names.dataset,
                      "Dataset name in the cell key (a campaign's [[dataset]] name; default: the file's name)");
  add_weight_trial_options(command, args->weight);
  command->callback([args, input_option] {
    args->input_given = input_option->count() > 0;
    run_trial(*args);
  });
}

}  // namespace beamline::worker
