#include "worker/units/model_runner.h"

#include <fmt/core.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "common/campaign/campaign_spec.h"
#include "common/error.h"
#include "worker/runtime/compute_threads.h"
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
  std::mutex run_mutex;          // one unit at a time (see the header)
  std::shared_mutex model_use;   // exclusive: weights being written (weight-fault trials)
  std::mutex state_mutex;        // the caches below
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

  // A transient unit's input and golden runs (computed on first use). With
  // `report`, their GoldenRun messages are queued for the unit's batches.
  // Needs the model lock (shared) and the state lock.
  struct TransientGoldens {
    const judge::DatasetInput* input = nullptr;
    std::shared_ptr<const engine::GoldenRun> unprotected, golden;
  };
  TransientGoldens transient_goldens(const wire::WorkUnit& unit, const Unit& u, bool report) {
    const auto index = static_cast<size_t>(unit.input_index());
    const size_t row = select(unit, u, index + 1)[index];
    TransientGoldens g;
    g.input = &u.rows->rows[row];
    const GoldenNames names{unit.model().name(), unit.dataset().name(), unit.input_index()};
    const GoldenKey unprotected_key = golden_key(u, row, "none");
    g.unprotected = goldens.get(unprotected_key, *u.model, *g.input, engine::ProtectionSetup{});
    if (report) goldens.report(unprotected_key, *g.input, names);
    g.golden = g.unprotected;
    if (u.protection_label != "none") {
      const GoldenKey key = golden_key(u, row, u.protection_key);
      g.golden = goldens.get(key, *u.model, *g.input, u.protection);
      GoldenNames protected_names = names;
      protected_names.protection = u.protection_label;
      if (report) goldens.report(key, *g.input, protected_names);
    }
    return g;
  }

  // A weight unit's evaluation set (its inputs' golden runs computed, and
  // reported with `report`) and its fault-free evaluation. Needs the model
  // lock (shared) and the state lock.
  struct WeightReference {
    std::vector<judge::DatasetInput> eval_set;
    weightfaults::EvalOptions eval;
    const weightfaults::EvalSummary* fault_free = nullptr;
  };
  WeightReference weight_reference(const wire::WorkUnit& unit, const Unit& u, bool report) {
    const auto inputs = static_cast<size_t>(unit.dataset().inputs());
    const std::vector<size_t> rows = select(unit, u, inputs);
    WeightReference w;
    for (size_t i = 0; i < rows.size(); ++i) {
      const judge::DatasetInput& input = u.rows->rows[rows[i]];
      w.eval_set.push_back(input);
      // The inputs' golden rows, as transient cells of the same dataset
      // record them (the store keeps the first it receives).
      const GoldenKey key = golden_key(u, rows[i], "none");
      goldens.get(key, *u.model, input, engine::ProtectionSetup{});
      if (report) {
        goldens.report(key, input, GoldenNames{unit.model().name(), unit.dataset().name(), static_cast<int64_t>(i)});
      }
    }
    w.eval = weight_eval_options(unit);
    const std::string reference_key =
        fmt::format("{}#{}#{}#{}#{}#{}", u.model_key, u.dataset_key, unit.dataset().selection(), inputs,
                    u.protection_key, weightfaults::to_string(w.eval.choice_scoring));
    auto reference = fault_free.find(reference_key);
    if (reference == fault_free.end()) {
      reference =
          fault_free.emplace(reference_key, weightfaults::evaluate(*u.model, w.eval_set, u.protection, w.eval)).first;
    }
    w.fault_free = &reference->second;
    return w;
  }

  void run_transient(const wire::WorkUnit& unit, const EmitTrials& emit, const std::atomic<bool>& stop) {
    // Readers only: trials run beside a prefetch's golden runs.
    std::shared_lock<std::shared_mutex> model_lock(model_use);
    Unit u;
    TransientGoldens g;
    {
      std::lock_guard<std::mutex> state_lock(state_mutex);
      u = prepare(unit);
      g = transient_goldens(unit, u, /*report=*/true);
    }
    TransientInput in;
    in.model = u.model;
    in.input = g.input;
    in.golden = g.golden.get();
    in.unprotected = g.unprotected.get();
    in.protection = u.protection;
    run_transient_trials(unit, in, emit, stop);
  }

  void run_weight(const wire::WorkUnit& unit, const EmitTrials& emit, const std::atomic<bool>& stop) {
    Unit u;
    WeightReference w;
    {
      std::shared_lock<std::shared_mutex> model_lock(model_use);
      std::lock_guard<std::mutex> state_lock(state_mutex);
      u = prepare(unit);
      w = weight_reference(unit, u, /*report=*/true);
    }
    // The trials write into the cached model: nobody else reads it meanwhile.
    std::unique_lock<std::shared_mutex> model_lock(model_use);
    WeightInput in;
    in.model = u.model;
    in.eval_set = &w.eval_set;
    in.protection = u.protection;
    in.eval = w.eval;
    in.fault_free = w.fault_free;
    run_weight_trials(unit, in, emit, stop);
  }

  void prefetch(const wire::WorkUnit& unit, bool weight) {
    std::shared_lock<std::shared_mutex> model_lock(model_use);
    std::lock_guard<std::mutex> state_lock(state_mutex);
    const Unit u = prepare(unit);
    if (weight) {
      weight_reference(unit, u, /*report=*/false);
    } else {
      transient_goldens(unit, u, /*report=*/false);
    }
  }
};

ModelRunner::ModelRunner(const RunnerOptions& options) : state_(std::make_unique<State>(options)) {
  runtime::set_compute_threads(options.threads);
}

ModelRunner::~ModelRunner() = default;

size_t ModelRunner::models_loaded() const {
  std::lock_guard<std::mutex> lock(state_->state_mutex);
  return state_->models.size();
}

size_t ModelRunner::golden_runs_cached() const {
  std::lock_guard<std::mutex> lock(state_->state_mutex);
  return state_->goldens.size();
}

void ModelRunner::prefetch(const wire::WorkUnit& unit, const std::atomic<bool>& stop) {
  if (stop.load()) return;
  try {
    const bool weight = campaign::is_weight_fault(fault::parse_fault_model(unit.fault().model()));
    check_unit(unit, weight);
    state_->prefetch(unit, weight);
  } catch (const std::exception&) {
    // run() reports what is wrong with the unit when it runs it.
  }
}

void ModelRunner::run(const wire::WorkUnit& unit, const EmitBatch& emit, const std::atomic<bool>& stop) {
  std::lock_guard<std::mutex> lock(state_->run_mutex);
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
    if (weight) {
      state_->run_weight(unit, emit_trials, stop);
    } else {
      state_->run_transient(unit, emit_trials, stop);
    }
  } catch (const std::exception& e) {
    // Errors from LibTorch (c10::Error) land here too: the daemon reports
    // the unit as failed instead of dying.
    throw Error(fmt::format("unit {} (cell {}): {}", unit.unit_id(), unit.cell_key(), e.what()));
  }
}

}  // namespace beamline::units
