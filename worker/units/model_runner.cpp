#include "worker/units/model_runner.h"

#include <ATen/Parallel.h>
#include <fmt/core.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "common/campaign/campaign_spec.h"
#include "common/error.h"
#include "worker/units/golden_cache.h"
#include "worker/units/input_selection.h"
#include "worker/units/model_cache.h"
#include "worker/units/transient_unit.h"
#include "worker/units/trial_setup.h"
#include "worker/units/weight_unit.h"

namespace beamline::units {
namespace {

// Relative paths in a unit start at the worker's --model-root.
std::string resolve(const std::string& root, const std::string& path) {
  if (path.empty() || root.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(root) / path).lexically_normal().string();
}

// The protection's name in cell keys and golden rows.
std::string protection_label(const wire::ProtectionRef& ref) {
  campaign::ProtectionSpec spec;
  spec.kind = ref.kind().empty() ? "none" : ref.kind();
  spec.policy = ref.policy().empty() ? "clip_to_bound" : ref.policy();
  spec.scale = ref.scale();
  return spec.label();
}

void check_unit(const wire::WorkUnit& unit, bool weight) {
  if (unit.model().kind() != "hf") {
    throw Error(fmt::format("model kind '{}': this runner runs hf models", unit.model().kind()));
  }
  if (unit.model().path().empty()) throw Error(fmt::format("model '{}': no path", unit.model().name()));
  if (unit.trial_end() < unit.trial_begin()) {
    throw Error(fmt::format("trial range [{}, {}) ends before it begins", unit.trial_begin(), unit.trial_end()));
  }
  const int64_t inputs = unit.dataset().inputs();
  if (inputs < 1) throw Error(fmt::format("dataset '{}': inputs {} (expected at least 1)", unit.dataset().name(), inputs));
  if (weight && unit.input_index() != -1) {
    throw Error(fmt::format("input {}: a weight-fault unit evaluates every input (input_index -1)", unit.input_index()));
  }
  if (!weight && (unit.input_index() < 0 || unit.input_index() >= inputs)) {
    throw Error(fmt::format("input {}: dataset '{}' has inputs 0..{}", unit.input_index(), unit.dataset().name(),
                            inputs - 1));
  }
}

}  // namespace

struct ModelRunner::State {
  explicit State(const RunnerOptions& o) : options(o) {}

  RunnerOptions options;
  std::mutex mutex;  // one unit at a time (see the header)
  ModelCache models;
  GoldenCache goldens;
  InputSelector selector;
  std::map<std::string, DatasetRows> datasets;                  // by dataset key
  std::map<std::string, engine::ProtectionSetup> protections;   // by options + bounds file
  std::map<std::string, weightfaults::EvalSummary> fault_free;  // weight cells' references

  // What one unit works on, looked up (and cached) from its fields.
  struct Unit {
    runtime::LoadedModel* model = nullptr;
    std::string model_key;
    const DatasetRows* rows = nullptr;
    std::string dataset_key;
    SelectionRule rule = SelectionRule::golden_correct;
    engine::ProtectionSetup protection;
    std::string protection_key;    // options and bounds file
    std::string protection_label;  // as in cell keys
  };

  Unit prepare(const wire::WorkUnit& unit) {
    Unit u;
    const auto& m = unit.model();
    const std::string model_dir = resolve(options.model_root, m.path());
    const std::string dtype = m.dtype().empty() ? "float32" : m.dtype();
    u.model_key = ModelCache::key(model_dir, dtype, options.device);
    u.model = &models.get(model_dir, dtype, options.device);

    const auto& d = unit.dataset();
    const std::string dataset_path = resolve(options.model_root, d.path());
    u.dataset_key = fmt::format("{}|task={}|max_new_tokens={}", dataset_path, d.task(), d.max_new_tokens());
    auto found = datasets.find(u.dataset_key);
    if (found == datasets.end()) {
      found = datasets.emplace(u.dataset_key, load_dataset_rows(dataset_path, d.task(), d.max_new_tokens())).first;
    }
    u.rows = &found->second;
    u.rule = parse_selection_rule(d.selection().empty() ? "golden_correct" : d.selection());

    const auto& p = unit.protection();
    u.protection_label = protection_label(p);
    const std::string bounds = resolve(options.model_root, p.bounds());
    u.protection_key = u.protection_label + "|bounds=" + bounds;
    auto setup = protections.find(u.protection_key);
    if (setup == protections.end()) {
      const std::string kind = p.kind().empty() ? "none" : p.kind();
      const std::string policy = p.policy().empty() ? "clip_to_bound" : p.policy();
      setup = protections.emplace(u.protection_key, make_protection_setup(kind, policy, p.scale(), bounds)).first;
    }
    u.protection = setup->second;
    return u;
  }

  GoldenKey golden_key(const Unit& u, size_t row, const std::string& protection) const {
    return GoldenKey{u.model_key, u.dataset_key, u.rows->source_rows[row], protection};
  }

  // Rows (indices into u.rows->rows) of inputs 0..count-1.
  std::vector<size_t> select(const wire::WorkUnit& unit, const Unit& u, size_t count) {
    const auto golden_correct = [&](size_t row) {
      const GoldenKey key = golden_key(u, row, "none");
      const bool correct = goldens.get(key, *u.model, u.rows->rows[row], engine::ProtectionSetup{})->correct;
      if (!correct) goldens.forget(key);
      return correct;
    };
    const std::string what = fmt::format("model '{}' on dataset '{}' ({}{})", unit.model().name(),
                                         unit.dataset().name(), u.rows->path,
                                         unit.dataset().task().empty() ? "" : ", task " + unit.dataset().task());
    const std::string key = u.model_key + "#" + u.dataset_key + "#" + unit.dataset().selection();
    return selector.select(key, *u.rows, u.rule, count, golden_correct, what);
  }

  void run_transient(const wire::WorkUnit& unit, const Unit& u, const EmitTrials& emit,
                     const std::atomic<bool>& stop) {
    const auto index = static_cast<size_t>(unit.input_index());
    const size_t row = select(unit, u, index + 1)[index];
    const judge::DatasetInput& input = u.rows->rows[row];
    const GoldenNames names{unit.model().name(), unit.dataset().name(), unit.input_index()};

    const GoldenKey unprotected_key = golden_key(u, row, "none");
    const auto unprotected = goldens.get(unprotected_key, *u.model, input, engine::ProtectionSetup{});
    goldens.report(unprotected_key, input, names);
    auto golden = unprotected;
    if (u.protection_label != "none") {
      const GoldenKey key = golden_key(u, row, u.protection_key);
      golden = goldens.get(key, *u.model, input, u.protection);
      GoldenNames protected_names = names;
      protected_names.protection = u.protection_label;
      goldens.report(key, input, protected_names);
    }
    TransientInput in;
    in.model = u.model;
    in.input = &input;
    in.golden = golden.get();
    in.unprotected = unprotected.get();
    in.protection = u.protection;
    run_transient_trials(unit, in, emit, stop);
  }

  void run_weight(const wire::WorkUnit& unit, const Unit& u, const EmitTrials& emit, const std::atomic<bool>& stop) {
    const auto inputs = static_cast<size_t>(unit.dataset().inputs());
    const std::vector<size_t> rows = select(unit, u, inputs);
    std::vector<judge::DatasetInput> eval_set;
    for (size_t i = 0; i < rows.size(); ++i) {
      const judge::DatasetInput& input = u.rows->rows[rows[i]];
      eval_set.push_back(input);
      // The inputs' golden rows, as transient cells of the same dataset
      // record them (the store keeps the first it receives).
      const GoldenKey key = golden_key(u, rows[i], "none");
      goldens.get(key, *u.model, input, engine::ProtectionSetup{});
      goldens.report(key, input, GoldenNames{unit.model().name(), unit.dataset().name(), static_cast<int64_t>(i)});
    }
    WeightInput in;
    in.model = u.model;
    in.eval_set = &eval_set;
    in.protection = u.protection;
    in.eval = weight_eval_options(unit);
    const std::string reference_key =
        fmt::format("{}#{}#{}#{}#{}#{}", u.model_key, u.dataset_key, unit.dataset().selection(), inputs,
                    u.protection_key, weightfaults::to_string(in.eval.choice_scoring));
    auto reference = fault_free.find(reference_key);
    if (reference == fault_free.end()) {
      reference = fault_free.emplace(reference_key, weightfaults::evaluate(*u.model, eval_set, u.protection, in.eval))
                      .first;
    }
    in.fault_free = &reference->second;
    run_weight_trials(unit, in, emit, stop);
  }
};

ModelRunner::ModelRunner(const RunnerOptions& options) : state_(std::make_unique<State>(options)) {
  if (options.threads > 0) at::set_num_threads(options.threads);
}

ModelRunner::~ModelRunner() = default;

size_t ModelRunner::models_loaded() const { return state_->models.size(); }
size_t ModelRunner::golden_runs_cached() const { return state_->goldens.size(); }

void ModelRunner::run(const wire::WorkUnit& unit, const EmitBatch& emit, const std::atomic<bool>& stop) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (stop.load()) return;
  const auto emit_trials = [&](std::vector<wire::TrialResult>&& trials) {
    UnitBatch batch;
    batch.trials = std::move(trials);
    batch.golden = state_->goldens.take_pending();
    emit(std::move(batch));
  };
  try {
    const bool weight = campaign::is_weight_fault(fault::parse_fault_model(unit.fault().model()));
    check_unit(unit, weight);
    const State::Unit u = state_->prepare(unit);
    if (weight) {
      state_->run_weight(unit, u, emit_trials, stop);
    } else {
      state_->run_transient(unit, u, emit_trials, stop);
    }
  } catch (const std::exception& e) {
    // Errors from LibTorch (c10::Error) land here too: the daemon reports
    // the unit as failed instead of dying.
    throw Error(fmt::format("unit {} (cell {}): {}", unit.unit_id(), unit.cell_key(), e.what()));
  }
}

}  // namespace beamline::units
