#pragma once
// A campaign file, validated (docs/campaign.md documents every key). Plain
// data: parse_campaign() builds it, expand_cells() turns it into cells.
// Indices refer into the vectors of CampaignSpec, in file order.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/campaign/target_set.h"
#include "common/fault/fault_model.h"
#include "common/sites/site_sampler.h"

namespace beamline::campaign {

// hf: a Hugging Face model directory run by the worker's LibTorch runtime.
// synthetic: no model at all; every trial returns an outcome drawn at the
// configured rates, at once (orchestration tests and benchmarks).
enum class ModelKind { hf, synthetic };

// Per-trial outcome probabilities of a synthetic model; masked_identical
// takes the rest. A synthetic cell with fault model `none` is always
// masked_identical, like a real one.
struct SyntheticRates {
  double sdc = 0.0;
  double due = 0.0;
  double masked_correct = 0.0;
  // Wall time each trial takes (a sleep), so tests can kill a worker or a
  // coordinator mid-unit. It changes no outcome, so it is not part of the
  // cell definition.
  double trial_ms = 0.0;
};

struct ModelSpec {
  std::string name;  // as it appears in cell keys and the database
  ModelKind kind = ModelKind::hf;
  std::string path;             // hf: the model directory (relative to the campaign file's folder)
  std::string dtype = "float32";  // float32 | bfloat16 | float16
  std::string device = "any";     // a hint: any | cpu | cuda; the worker's --device decides
  SyntheticRates synthetic;
};

// How a dataset's inputs are chosen. The rule is recorded here; workers
// apply it (it needs golden runs).
enum class InputSelection {
  golden_correct,  // the first `inputs` rows, in file order, of the task filter whose golden run is correct
  first,           // the first `inputs` rows of the task filter
};

struct DatasetSpec {
  std::string name;
  std::string path;  // JSONL; may be empty when every model is synthetic
  std::string task;  // only rows of this task (qa | math | choice | exact); empty: every row
  int64_t inputs = 0;
  InputSelection selection = InputSelection::golden_correct;
  int64_t max_new_tokens = 0;  // 0: the row's own, else the engine default
};

// Weight-fault selections (issue 5): components as the 000 study defines
// them, a layer group (a block range), or named tensors. This is the one
// grammar of a selection's text: campaign files build it, cell keys store
// text(), and the worker (worker/weightfaults) parses that text back with
// parse_weight_selection() -- `beamline trial --components ...` too.
enum class WeightSelectionKind { component, layer_group, tensors };

struct WeightSelection {
  WeightSelectionKind kind = WeightSelectionKind::component;
  // component: embedding | attention | feed_forward | norm | lm_head, at
  // least one, no repeats (a campaign's `components` gives one per cell;
  // the CLI may list several).
  std::vector<std::string> components;
  BlockRange blocks;                 // layer_group
  std::vector<std::string> tensors;  // tensors

  // "component=attention[,norm]", "blocks=0-3" (or "blocks=5"),
  // "tensors=a,b": stored in cell keys. parse_weight_selection(text())
  // gives back the same selection.
  std::string text() const;
};

// Throws beamline::Error naming the text and what was expected.
WeightSelection parse_weight_selection(std::string_view text);

// Multiple-choice scoring in weight-fault evaluations.
enum class ChoiceScoring { generation, loglikelihood };

struct FaultSpec {
  fault::FaultModel model = fault::FaultModel::single_bit;
  // Weight faults only (bit_error_rate, value_uniform01):
  std::vector<double> rates;                // p per bit (bit_error_rate) or per element (value_uniform01)
  std::vector<WeightSelection> selections;  // each one a cell factor
  ChoiceScoring choice_scoring = ChoiceScoring::generation;
};

// Where transient faults land.
struct SiteSpec {
  sites::SiteSampling sampling = sites::SiteSampling::compute;
  std::vector<TargetSet> targets;  // each one a cell factor; default {all}
};

struct ProtectionSpec {
  std::string kind = "none";  // none | ranger | maximals | global_clipper | ft2 | ft2_offline
  std::string policy = "clip_to_bound";  // clip_to_bound | clip_to_zero
  double scale = 2.0;                    // ft2 only
  std::string bounds;                    // offline kinds: bounds file; "{model}" is replaced by the model name

  // How cell keys name it: "none", "ft2:policy=clip_to_bound,scale=2",
  // "ranger:policy=clip_to_bound". The bounds file is not part of the name.
  std::string label() const;
  std::string bounds_for(const std::string& model_name) const;
};

enum class BudgetMode { trials_per_input, trials_per_cell, target_half_width };

struct BudgetSpec {
  BudgetMode mode = BudgetMode::trials_per_input;
  uint64_t trials = 0;           // trials_per_input / trials_per_cell
  double half_width = 0.0;       // target_half_width: the 95% Wilson half-width on the SDC rate
  uint64_t max_trials_per_cell = 0;  // target_half_width: the cap
  uint64_t unit_trials = 0;      // trials per work unit; 0: the default for the cell's kind (trial_plan.h)
};

struct CampaignSpec {
  std::string name;
  uint64_t seed = 0;
  std::string source_path;  // the campaign file, as given
  // The folder relative model, data and bounds paths start from, itself
  // relative to the campaign file's folder. A worker on another machine
  // replaces it with its --model-root.
  std::string root = ".";
  std::vector<ModelSpec> models;
  std::vector<DatasetSpec> datasets;
  std::vector<FaultSpec> faults;
  SiteSpec sites;
  std::vector<ProtectionSpec> protections;  // default {none}
  BudgetSpec budget;
};

bool is_weight_fault(fault::FaultModel model);
bool needs_offline_bounds(const std::string& protection_kind);

std::string to_string(ModelKind kind);
std::string to_string(InputSelection selection);
std::string to_string(ChoiceScoring scoring);
std::string to_string(BudgetMode mode);

// Accepted names, for validation and error messages.
const std::vector<std::string>& protection_kind_names();
const std::vector<std::string>& correction_policy_names();
const std::vector<std::string>& weight_component_names();
const std::vector<std::string>& dtype_names();
const std::vector<std::string>& task_names();

}  // namespace beamline::campaign
