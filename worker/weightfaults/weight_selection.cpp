#include "worker/weightfaults/weight_selection.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/error.h"

namespace beamline::weightfaults {
namespace {

std::vector<std::string> split_csv(const std::string& csv, const std::string& option) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= csv.size()) {
    const size_t comma = std::min(csv.find(',', start), csv.size());
    std::string part = csv.substr(start, comma - start);
    part.erase(0, part.find_first_not_of(" \t"));
    part.erase(part.find_last_not_of(" \t") + 1);
    if (part.empty()) throw Error(fmt::format("{} '{}': empty name in the list", option, csv));
    parts.push_back(part);
    start = comma + 1;
  }
  return parts;
}

int64_t parse_block_number(const std::string& text, const std::string& whole) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      text.size() > 9) {
    throw Error(fmt::format("--layer-group '{}': expected FIRST-LAST (e.g. 0-3) or a group number", whole));
  }
  return std::stoll(text);
}

}  // namespace

std::string WeightSelection::text() const {
  switch (kind) {
    case SelectionKind::components: {
      std::string names;
      for (const auto component : components) names += (names.empty() ? "" : ",") + modelio::to_string(component);
      return "component=" + names;
    }
    case SelectionKind::layer_group:
      return fmt::format("blocks={}-{}", first_block, last_block);
    case SelectionKind::tensors: {
      std::string names;
      for (const auto& name : tensors) names += (names.empty() ? "" : ",") + name;
      return "tensors=" + names;
    }
  }
  return {};
}

WeightSelection parse_components_selection(const std::string& csv) {
  WeightSelection selection;
  selection.kind = SelectionKind::components;
  for (const std::string& name : split_csv(csv, "--components")) {
    modelio::Component component{};
    try {
      component = modelio::parse_component(name);
    } catch (const Error& e) {
      throw Error(std::string("--components: ") + e.what());
    }
    if (std::find(selection.components.begin(), selection.components.end(), component) ==
        selection.components.end()) {
      selection.components.push_back(component);
    }
  }
  return selection;
}

WeightSelection parse_layer_group(const std::string& text, int64_t group_size) {
  WeightSelection selection;
  selection.kind = SelectionKind::layer_group;
  const size_t dash = text.find('-');
  if (dash == std::string::npos) {
    if (group_size < 1) throw Error(fmt::format("--group-size {}: expected at least 1", group_size));
    const int64_t group = parse_block_number(text, text);
    selection.first_block = group * group_size;
    selection.last_block = selection.first_block + group_size - 1;
  } else {
    selection.first_block = parse_block_number(text.substr(0, dash), text);
    selection.last_block = parse_block_number(text.substr(dash + 1), text);
    if (selection.last_block < selection.first_block) {
      throw Error(fmt::format("--layer-group '{}': the last block comes before the first", text));
    }
  }
  return selection;
}

WeightSelection parse_tensors_selection(const std::string& csv) {
  WeightSelection selection;
  selection.kind = SelectionKind::tensors;
  selection.tensors = split_csv(csv, "--tensors");
  return selection;
}

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
