#include "worker/weightfaults/weight_selection.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/error.h"

namespace beamline::weightfaults {
namespace {

// A CLI option's value read with the selection grammar; errors name the
// option the user typed.
WeightSelection parse_option(const std::string& option, const std::string& text) {
  try {
    return parse_weight_selection(text);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", option, e.what()));
  }
}

}  // namespace

campaign::WeightSelection to_campaign_selection(const WeightSelection& selection) {
  campaign::WeightSelection out;
  switch (selection.kind) {
    case SelectionKind::components:
      out.kind = campaign::WeightSelectionKind::component;
      for (const auto component : selection.components) out.components.push_back(modelio::to_string(component));
      break;
    case SelectionKind::layer_group:
      out.kind = campaign::WeightSelectionKind::layer_group;
      out.blocks = {selection.first_block, selection.last_block};
      break;
    case SelectionKind::tensors:
      out.kind = campaign::WeightSelectionKind::tensors;
      out.tensors = selection.tensors;
      break;
  }
  return out;
}

WeightSelection from_campaign_selection(const campaign::WeightSelection& selection) {
  WeightSelection out;
  switch (selection.kind) {
    case campaign::WeightSelectionKind::component:
      out.kind = SelectionKind::components;
      for (const auto& name : selection.components) out.components.push_back(modelio::parse_component(name));
      break;
    case campaign::WeightSelectionKind::layer_group:
      out.kind = SelectionKind::layer_group;
      out.first_block = selection.blocks.first;
      out.last_block = selection.blocks.last;
      break;
    case campaign::WeightSelectionKind::tensors:
      out.kind = SelectionKind::tensors;
      out.tensors = selection.tensors;
      break;
  }
  return out;
}

std::string WeightSelection::text() const { return to_campaign_selection(*this).text(); }

WeightSelection parse_weight_selection(const std::string& text) {
  return from_campaign_selection(campaign::parse_weight_selection(text));
}

WeightSelection parse_components_selection(const std::string& csv) {
  return parse_option("--components", "component=" + csv);
}

WeightSelection parse_layer_group(const std::string& text, int64_t group_size) {
  if (text.find('-') != std::string::npos) return parse_option("--layer-group", "blocks=" + text);
  // A group number: group g of group_size blocks.
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw Error(fmt::format("--layer-group '{}': expected FIRST-LAST (e.g. 0-3) or a group number", text));
  }
  if (group_size < 1) throw Error(fmt::format("--group-size {}: expected at least 1", group_size));
  WeightSelection selection;
  selection.kind = SelectionKind::layer_group;
  selection.first_block = std::stoll(text) * group_size;
  selection.last_block = selection.first_block + group_size - 1;
  return selection;
}

WeightSelection parse_tensors_selection(const std::string& csv) { return parse_option("--tensors", "tensors=" + csv); }

std::vector<WeightSelection> layer_groups(int64_t num_layers, int64_t group_size) {
  if (group_size < 1) throw Error(fmt::format("--group-size {}: expected at least 1", group_size));
  std::vector<WeightSelection> groups;
  for (int64_t first = 0; first < num_layers; first += group_size) {
    WeightSelection group;
    group.kind = SelectionKind::layer_group;
    group.first_block = first;
    group.last_block = std::min(num_layers, first + group_size) - 1;
    groups.push_back(group);
  }
  return groups;
}

std::vector<runtime::NamedWeight> select_weights(const runtime::CausalLM& model, const WeightSelection& selection) {
  const auto& weights = model.weights();
  std::vector<runtime::NamedWeight> chosen;
  switch (selection.kind) {
    case SelectionKind::components:
      for (const auto& w : weights) {
        const auto& wanted = selection.components;
        if (std::find(wanted.begin(), wanted.end(), w.component) != wanted.end()) chosen.push_back(w);
      }
      break;
    case SelectionKind::layer_group: {
      const int64_t layers = model.config().num_hidden_layers;
      if (selection.first_block >= layers || selection.last_block >= layers) {
        throw Error(fmt::format("weight selection {}: the model has blocks 0-{}", selection.text(), layers - 1));
      }
      for (const auto& w : weights) {
        const auto block = modelio::parse_block_index(w.name);
        if (block && *block >= selection.first_block && *block <= selection.last_block) chosen.push_back(w);
      }
      break;
    }
    case SelectionKind::tensors: {
      const std::set<std::string> wanted(selection.tensors.begin(), selection.tensors.end());
      for (const auto& w : weights) {
        if (wanted.count(w.name)) chosen.push_back(w);
      }
      for (const auto& name : wanted) {
        const bool found = std::any_of(weights.begin(), weights.end(), [&](const auto& w) { return w.name == name; });
        if (!found) {
          throw Error(fmt::format("--tensors: the model has no tensor '{}' (beamline model-info lists them)", name));
        }
      }
      break;
    }
  }
  if (chosen.empty()) {
    throw Error(fmt::format("weight selection {}: covers no tensor of this model", selection.text()));
  }
  return chosen;
}

}  // namespace beamline::weightfaults
