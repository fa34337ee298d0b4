#include "common/campaign/campaign_parser.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "common/campaign/toml_reader.h"
#include "common/error.h"
#include "common/rng.h"

namespace beamline::campaign {
namespace {

// Names go into cell keys ("model=NAME|...") and file paths, so they may not
// contain the key's separators.
void check_name(const TomlReader& reader, std::string_view key, const std::string& name) {
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!ok) reader.fail(key, fmt::format("'{}': use letters, digits, '-', '_' and '.'", name));
}

void check_unique(const TomlReader& reader, std::set<std::string>& seen, const std::string& name, const char* what) {
  if (!seen.insert(name).second) reader.fail("name", fmt::format("a {} named '{}' is already defined", what, name));
}

double probability(const TomlReader& reader, std::string_view key, double fallback) {
  const double value = reader.number(key).value_or(fallback);
  if (!(value >= 0.0 && value <= 1.0)) reader.fail(key, fmt::format("{} is not a probability in [0, 1]", value));
  return value;
}

ModelSpec parse_model(const TomlReader& r) {
  r.reject_unknown_keys({"name", "kind", "path", "dtype", "device", "sdc_rate", "due_rate", "masked_correct_rate",
                        "trial_ms"});
  ModelSpec model;
  model.name = r.required_string("name");
  check_name(r, "name", model.name);
  model.kind = r.choice("kind", {"hf", "synthetic"}).value_or("hf") == "hf" ? ModelKind::hf : ModelKind::synthetic;
  model.dtype = r.choice("dtype", dtype_names()).value_or(model.dtype);
  model.device = r.string("device").value_or(model.device);
  if (model.device != "any" && model.device != "cpu" && model.device.rfind("cuda", 0) != 0) {
    r.fail("device", fmt::format("'{}': expected any, cpu, cuda or cuda:N", model.device));
  }
  if (model.kind == ModelKind::hf) {
    model.path = r.required_string("path");
    for (const char* key : {"sdc_rate", "due_rate", "masked_correct_rate", "trial_ms"}) {
      if (r.has(key)) r.fail(key, "only a synthetic model (kind = \"synthetic\") has outcome rates");
    }
    return model;
  }
  if (r.has("path")) r.fail("path", "a synthetic model has no files");
  model.synthetic.sdc = probability(r, "sdc_rate", 0.0);
  model.synthetic.due = probability(r, "due_rate", 0.0);
  model.synthetic.masked_correct = probability(r, "masked_correct_rate", 0.0);
  model.synthetic.trial_ms = r.number("trial_ms").value_or(0.0);
  if (!(model.synthetic.trial_ms >= 0.0 && model.synthetic.trial_ms <= 60000.0)) {
    r.fail("trial_ms", fmt::format("{} is not a time in [0, 60000] milliseconds", model.synthetic.trial_ms));
  }
  if (model.synthetic.sdc + model.synthetic.due + model.synthetic.masked_correct > 1.0) {
    r.fail_table("sdc_rate + due_rate + masked_correct_rate exceeds 1");
  }
  return model;
}

DatasetSpec parse_dataset(const TomlReader& r, bool all_models_synthetic) {
  r.reject_unknown_keys({"name", "path", "task", "inputs", "selection", "max_new_tokens"});
  DatasetSpec dataset;
  dataset.name = r.required_string("name");
  check_name(r, "name", dataset.name);
  if (all_models_synthetic) {
    dataset.path = r.string("path").value_or("");
  } else {
    dataset.path = r.required_string("path");
  }
  dataset.task = r.choice("task", task_names()).value_or("");
  dataset.inputs = r.required_integer("inputs");
  if (dataset.inputs < 1) r.fail("inputs", "must be at least 1");
  const auto selection = r.choice("selection", {"golden_correct", "first"}).value_or("golden_correct");
  dataset.selection = selection == "first" ? InputSelection::first : InputSelection::golden_correct;
  dataset.max_new_tokens = r.integer("max_new_tokens").value_or(0);
  if (dataset.max_new_tokens < 0) r.fail("max_new_tokens", "must not be negative");
  return dataset;
}

std::vector<std::string> fault_model_names() {
  return {"single_bit", "double_bit", "exponent_bit", "bit_error_rate", "value_uniform01", "none"};
}

FaultSpec parse_fault(const TomlReader& r) {
  r.reject_unknown_keys({"model", "rates", "components", "layer_groups", "tensors", "choice_scoring"});
  FaultSpec spec;
  if (!r.has("model")) r.fail("model", "missing (required)");
  spec.model = fault::parse_fault_model(*r.choice("model", fault_model_names()));
  if (!is_weight_fault(spec.model)) {
    for (const char* key : {"rates", "components", "layer_groups", "tensors", "choice_scoring"}) {
      if (r.has(key)) r.fail(key, fmt::format("only weight faults (bit_error_rate, value_uniform01) take {}", key));
    }
    return spec;
  }
  spec.rates = r.numbers("rates").value_or(std::vector<double>{});
  if (spec.rates.empty()) r.fail("rates", "a weight fault needs at least one rate");
  for (double rate : spec.rates) {
    if (!(rate >= 0.0 && rate <= 1.0)) r.fail("rates", fmt::format("{} is not a probability in [0, 1]", rate));
  }
  for (const auto& component : r.strings("components").value_or(std::vector<std::string>{})) {
    const auto& names = weight_component_names();
    if (std::find(names.begin(), names.end(), component) == names.end()) {
      r.fail("components", fmt::format("unknown component '{}' (expected embedding, attention, feed_forward, norm "
                                       "or lm_head)", component));
    }
    WeightSelection selection;
    selection.components = {component};
    spec.selections.push_back(selection);
  }
  for (const auto& group : r.strings("layer_groups").value_or(std::vector<std::string>{})) {
    WeightSelection selection;
    selection.kind = WeightSelectionKind::layer_group;
    try {
      selection.blocks = parse_block_range(group);
    } catch (const Error& e) {
      r.fail("layer_groups", e.what());
    }
    spec.selections.push_back(selection);
  }
  if (auto tensors = r.strings("tensors")) {
    if (tensors->empty()) r.fail("tensors", "name at least one tensor");
    WeightSelection selection;
    selection.kind = WeightSelectionKind::tensors;
    selection.tensors = *tensors;
    spec.selections.push_back(selection);
  }
  if (spec.selections.empty()) r.fail_table("a weight fault needs components, layer_groups or tensors");
  const auto scoring = r.choice("choice_scoring", {"generation", "loglikelihood"}).value_or("generation");
  spec.choice_scoring = scoring == "generation" ? ChoiceScoring::generation : ChoiceScoring::loglikelihood;
  return spec;
}

SiteSpec parse_sites(const std::optional<TomlReader>& r) {
  SiteSpec spec;
  if (r) {
    r->reject_unknown_keys({"sampling", "targets"});
    spec.sampling = sites::parse_site_sampling(r->choice("sampling", {"compute", "layer"}).value_or("compute"));
    for (const auto& text : r->strings("targets").value_or(std::vector<std::string>{})) {
      try {
        spec.targets.push_back(parse_target_set(text));
      } catch (const Error& e) {
        r->fail("targets", e.what());
      }
    }
    if (r->has("targets") && spec.targets.empty()) r->fail("targets", "list at least one target set (\"all\")");
  }
  if (spec.targets.empty()) spec.targets.push_back(TargetSet{});
  return spec;
}

ProtectionSpec parse_protection(const TomlReader& r) {
  r.reject_unknown_keys({"kind", "policy", "scale", "bounds"});
  ProtectionSpec spec;
  if (!r.has("kind")) r.fail("kind", "missing (required)");
  spec.kind = *r.choice("kind", protection_kind_names());
  if (spec.kind == "none") {
    for (const char* key : {"policy", "scale", "bounds"}) {
      if (r.has(key)) r.fail(key, "protection none takes no options");
    }
    return spec;
  }
  spec.policy = r.choice("policy", correction_policy_names()).value_or(spec.policy);
  if (r.has("scale") && spec.kind != "ft2") r.fail("scale", "only ft2 widens its bounds by a scale");
  spec.scale = r.number("scale").value_or(spec.scale);
  if (!(spec.scale >= 1.0)) r.fail("scale", fmt::format("{}: must be at least 1", spec.scale));
  if (needs_offline_bounds(spec.kind)) {
    spec.bounds = r.required_string("bounds");
  } else if (r.has("bounds")) {
    r.fail("bounds", "ft2 takes its bounds from the first token; only offline protections read a bounds file");
  }
  return spec;
}

uint64_t positive(const TomlReader& r, std::string_view key) {
  const int64_t value = r.required_integer(key);
  if (value < 1) r.fail(key, "must be at least 1");
  return static_cast<uint64_t>(value);
}

BudgetSpec parse_budget(const TomlReader& r) {
  r.reject_unknown_keys({"trials_per_input", "trials_per_cell", "target_half_width", "max_trials_per_cell",
                         "unit_trials"});
  BudgetSpec budget;
  const int modes = r.has("trials_per_input") + r.has("trials_per_cell") + r.has("target_half_width");
  if (modes != 1) r.fail_table("give exactly one of trials_per_input, trials_per_cell, target_half_width");
  if (r.has("trials_per_input")) {
    budget.mode = BudgetMode::trials_per_input;
    budget.trials = positive(r, "trials_per_input");
  } else if (r.has("trials_per_cell")) {
    budget.mode = BudgetMode::trials_per_cell;
    budget.trials = positive(r, "trials_per_cell");
  } else {
    budget.mode = BudgetMode::target_half_width;
    budget.half_width = *r.number("target_half_width");
    if (!(budget.half_width > 0.0 && budget.half_width < 0.5)) {
      r.fail("target_half_width", "must lie in (0, 0.5)");
    }
    if (!r.has("max_trials_per_cell")) r.fail("max_trials_per_cell", "a target half-width needs a cap");
    budget.max_trials_per_cell = positive(r, "max_trials_per_cell");
  }
  if (r.has("max_trials_per_cell") && budget.mode != BudgetMode::target_half_width) {
    r.fail("max_trials_per_cell", "only a target_half_width budget has a cap");
  }
  if (r.has("unit_trials")) budget.unit_trials = positive(r, "unit_trials");
  return budget;
}

template <typename Spec, typename Parse>
std::vector<Spec> parse_named(const TomlReader& root, const char* key, const char* what, Parse parse) {
  std::vector<Spec> specs;
  std::set<std::string> seen;
  for (const auto& reader : root.tables(key)) {
    specs.push_back(parse(reader));
    check_unique(reader, seen, specs.back().name, what);
  }
  if (specs.empty()) root.fail_table(fmt::format("list at least one [[{}]]", key));
  return specs;
}

}  // namespace

std::string campaign_text_hash(std::string_view text) { return fmt::format("fnv1a64:{:016x}", fnv1a64(text)); }

CampaignSource campaign_source_from_text(std::string path, std::string text) {
  CampaignSource source{std::move(path), std::move(text), {}};
  source.hash = campaign_text_hash(source.text);
  return source;
}

CampaignSource read_campaign_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_in_file(path, "cannot read the campaign file");
  std::ostringstream text;
  text << in.rdbuf();
  return campaign_source_from_text(path, text.str());
}

CampaignSpec parse_campaign(const CampaignSource& source) {
  toml::table document;
  try {
    document = toml::parse(source.text, source.path);
  } catch (const toml::parse_error& e) {
    fail_in_file(fmt::format("{}:{}", source.path, e.source().begin.line), std::string(e.description()));
  }
  const TomlReader root(document, source.path, "");
  root.reject_unknown_keys({"campaign", "model", "dataset", "fault", "sites", "protection", "budget"});

  CampaignSpec spec;
  spec.source_path = source.path;
  const auto header = root.table("campaign");
  if (!header) root.fail("campaign", "missing [campaign] table (name, seed)");
  header->reject_unknown_keys({"name", "seed", "root"});
  spec.name = header->required_string("name");
  check_name(*header, "name", spec.name);
  const int64_t seed = header->required_integer("seed");
  if (seed < 0) header->fail("seed", "must not be negative");
  spec.seed = static_cast<uint64_t>(seed);
  spec.root = header->string("root").value_or(".");

  spec.models = parse_named<ModelSpec>(root, "model", "model", parse_model);
  const bool all_synthetic = std::all_of(spec.models.begin(), spec.models.end(),
                                         [](const ModelSpec& m) { return m.kind == ModelKind::synthetic; });
  spec.datasets = parse_named<DatasetSpec>(root, "dataset", "dataset",
                                           [&](const TomlReader& r) { return parse_dataset(r, all_synthetic); });
  for (const auto& reader : root.tables("fault")) spec.faults.push_back(parse_fault(reader));
  if (spec.faults.empty()) root.fail_table("list at least one [[fault]]");
  spec.sites = parse_sites(root.table("sites"));
  std::set<std::string> labels;
  for (const auto& reader : root.tables("protection")) {
    spec.protections.push_back(parse_protection(reader));
    if (!labels.insert(spec.protections.back().label()).second) {
      reader.fail_table(fmt::format("protection {} is listed twice", spec.protections.back().label()));
    }
  }
  if (spec.protections.empty()) spec.protections.push_back(ProtectionSpec{});
  const auto budget = root.table("budget");
  if (!budget) root.fail("budget", "missing [budget] table");
  spec.budget = parse_budget(*budget);
  return spec;
}

CampaignSpec load_campaign(const std::string& path) { return parse_campaign(read_campaign_source(path)); }

}  // namespace beamline::campaign
