#include "common/campaign/target_set.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"

namespace beamline::campaign {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t at = text.find(separator, start);
    const std::string part(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (!part.empty()) parts.push_back(part);
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

int64_t parse_block(std::string_view text) {
  const std::string copy(text);
  try {
    size_t used = 0;
    const long long value = std::stoll(copy, &used);
    if (used == copy.size() && value >= 0 && !copy.empty() && copy[0] != '+') return value;
  } catch (const std::exception&) {
  }
  throw Error(fmt::format("targets: block '{}': expected a non-negative integer", copy));
}

std::string valid_layer_list() {
  std::string valid;
  for (const auto& name : hook_point_names()) valid += (valid.empty() ? "" : ", ") + name;
  return valid;
}

}  // namespace

const std::vector<std::string>& hook_point_names() {
  static const std::vector<std::string> names = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                 "up_proj", "down_proj", "fc1", "fc2", "act"};
  return names;
}

BlockRange parse_block_range(std::string_view text) {
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    const int64_t block = parse_block(text);
    return {block, block};
  }
  const BlockRange range{parse_block(text.substr(0, dash)), parse_block(text.substr(dash + 1))};
  if (range.first > range.last) {
    throw Error(fmt::format("targets: block range '{}': first exceeds last", std::string(text)));
  }
  return range;
}

std::string format_block_range(const BlockRange& range) {
  return range.first == range.last ? std::to_string(range.first) : fmt::format("{}-{}", range.first, range.last);
}

TargetSet parse_target_set(std::string_view text) {
  TargetSet targets;
  if (text == "all") return targets;
  for (const std::string& part : split(text, ';')) {
    const size_t eq = part.find('=');
    const std::string key = part.substr(0, eq);
    if (eq == std::string::npos || (key != "layers" && key != "blocks")) {
      throw Error(fmt::format("targets: '{}': expected layers=NAME,... or blocks=A-B,...", part));
    }
    for (const std::string& item : split(std::string_view(part).substr(eq + 1), ',')) {
      if (key == "blocks") {
        targets.blocks.push_back(parse_block_range(item));
        continue;
      }
      const auto& names = hook_point_names();
      if (std::find(names.begin(), names.end(), item) == names.end()) {
        throw Error(fmt::format("targets: unknown layer kind '{}' (expected one of: {})", item, valid_layer_list()));
      }
      targets.layers.push_back(item);
    }
  }
  return targets;
}

std::string format_target_set(const TargetSet& targets) {
  std::string layers;
  for (const auto& name : targets.layers) layers += (layers.empty() ? "" : ",") + name;
  std::string blocks;
  for (const auto& range : targets.blocks) blocks += (blocks.empty() ? "" : ",") + format_block_range(range);
  std::string text;
  if (!layers.empty()) text = "layers=" + layers;
  if (!blocks.empty()) text += (text.empty() ? "" : ";") + std::string("blocks=") + blocks;
  return text.empty() ? "all" : text;
}

}  // namespace beamline::campaign
