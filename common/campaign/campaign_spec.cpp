#include "common/campaign/campaign_spec.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"

namespace beamline::campaign {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

[[noreturn]] void throw_selection_error(const std::string& text, const std::string& why) {
  throw Error(fmt::format("weight selection '{}': {} (expected component=NAME[,NAME...], blocks=FIRST-LAST or "
                          "tensors=NAME[,NAME...])", text, why));
}

}  // namespace

std::string WeightSelection::text() const {
  switch (kind) {
    case WeightSelectionKind::component: return "component=" + join(components, ",");
    case WeightSelectionKind::layer_group: return "blocks=" + format_block_range(blocks);
    case WeightSelectionKind::tensors: return "tensors=" + join(tensors, ",");
  }
  return {};
}

WeightSelection parse_weight_selection(std::string_view text) {
  const std::string whole(text);
  const auto fail = [&whole](const std::string& why) { throw_selection_error(whole, why); };
  const size_t eq = whole.find('=');
  if (eq == std::string::npos) fail("no '='");
  const std::string key = whole.substr(0, eq);
  const std::string value = whole.substr(eq + 1);
  WeightSelection selection;
  if (key == "blocks") {
    selection.kind = WeightSelectionKind::layer_group;
    try {
      selection.blocks = parse_block_range(value);
    } catch (const Error& e) {
      // parse_block_range speaks of target sets; name the selection instead.
      std::string why = e.what();
      const std::string prefix = "targets: ";
      if (why.rfind(prefix, 0) == 0) why.erase(0, prefix.size());
      fail(why);
    }
    return selection;
  }
  if (key != "component" && key != "tensors") fail(fmt::format("unknown kind '{}'", key));
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= value.size()) {
    const size_t comma = std::min(value.find(',', start), value.size());
    const std::string name = value.substr(start, comma - start);
    if (name.empty()) fail("an empty name in the list");
    if (std::find(names.begin(), names.end(), name) != names.end()) fail(fmt::format("'{}' named twice", name));
    names.push_back(name);
    start = comma + 1;
  }
  if (key == "tensors") {
    selection.kind = WeightSelectionKind::tensors;
    selection.tensors = std::move(names);
    return selection;
  }
  const auto& valid = weight_component_names();
  for (const auto& name : names) {
    if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
      fail(fmt::format("unknown component '{}' (components: {})", name, join(valid, ", ")));
    }
  }
  selection.components = std::move(names);
  return selection;
}

std::string ProtectionSpec::label() const {
  if (kind == "none") return kind;
  if (kind == "ft2") return fmt::format("{}:policy={},scale={}", kind, policy, scale);
  return fmt::format("{}:policy={}", kind, policy);
}

std::string ProtectionSpec::bounds_for(const std::string& model_name) const {
  std::string path = bounds;
  const std::string placeholder = "{model}";
  for (size_t at = path.find(placeholder); at != std::string::npos; at = path.find(placeholder, at)) {
    path.replace(at, placeholder.size(), model_name);
    at += model_name.size();
  }
  return path;
}

bool is_weight_fault(fault::FaultModel model) {
  return model == fault::FaultModel::bit_error_rate || model == fault::FaultModel::value_uniform01;
}

bool needs_offline_bounds(const std::string& kind) {
  return kind == "ranger" || kind == "maximals" || kind == "global_clipper" || kind == "ft2_offline";
}

std::string to_string(ModelKind kind) { return kind == ModelKind::hf ? "hf" : "synthetic"; }

std::string to_string(InputSelection selection) {
  return selection == InputSelection::golden_correct ? "golden_correct" : "first";
}

std::string to_string(ChoiceScoring scoring) {
  return scoring == ChoiceScoring::generation ? "generation" : "loglikelihood";
}

std::string to_string(BudgetMode mode) {
  switch (mode) {
    case BudgetMode::trials_per_input: return "trials_per_input";
    case BudgetMode::trials_per_cell: return "trials_per_cell";
    case BudgetMode::target_half_width: return "target_half_width";
  }
  return {};
}

// These lists mirror worker/protection/protection_kind.h and
// worker/judge's task names; the campaign checks names early (with the
// file's line) so a typo fails before any worker starts.
const std::vector<std::string>& protection_kind_names() {
  static const std::vector<std::string> names = {"none", "ranger", "maximals", "global_clipper", "ft2", "ft2_offline"};
  return names;
}

const std::vector<std::string>& correction_policy_names() {
  static const std::vector<std::string> names = {"clip_to_bound", "clip_to_zero"};
  return names;
}

const std::vector<std::string>& weight_component_names() {
  static const std::vector<std::string> names = {"embedding", "attention", "feed_forward", "norm", "lm_head"};
  return names;
}

const std::vector<std::string>& dtype_names() {
  static const std::vector<std::string> names = {"float32", "bfloat16", "float16"};
  return names;
}

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names = {"qa", "math", "choice", "exact"};
  return names;
}

}  // namespace beamline::campaign
