#include "worker/modelio/components.h"

#include <cctype>
#include <sstream>

#include "common/error.h"

namespace beamline::modelio {
namespace {

constexpr Component kAllComponents[] = {Component::embedding, Component::attention,
                                        Component::feed_forward, Component::norm,
                                        Component::lm_head};

std::vector<std::string> split_dots(const std::string& name) {
  std::vector<std::string> parts;
  std::stringstream stream(name);
  std::string part;
  while (std::getline(stream, part, '.')) parts.push_back(part);
  return parts;
}

bool is_number(const std::string& text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Index of the "layers" segment that is followed by a block number.
std::optional<size_t> layers_segment(const std::vector<std::string>& parts) {
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == "layers" && is_number(parts[i + 1])) return i;
  }
  return std::nullopt;
}

// Segment names inside a Llama-family block: model.layers.N.<module>....
std::optional<Component> llama_block_component(const std::string& module) {
  if (module == "self_attn") return Component::attention;
  if (module == "mlp") return Component::feed_forward;
  if (module == "input_layernorm" || module == "post_attention_layernorm") return Component::norm;
  return std::nullopt;
}

// Inside an OPT block: model.decoder.layers.N.<module>.... Note that
// "self_attn_layer_norm" is a norm, not part of "self_attn".
std::optional<Component> opt_block_component(const std::string& module) {
  if (module == "self_attn") return Component::attention;
  if (module == "fc1" || module == "fc2") return Component::feed_forward;
  if (module == "self_attn_layer_norm" || module == "final_layer_norm") return Component::norm;
  return std::nullopt;
}

std::optional<Component> llama_outside_blocks(const std::vector<std::string>& parts) {
  if (parts.size() < 3 || parts[0] != "model") return std::nullopt;
  if (parts[1] == "embed_tokens") return Component::embedding;
  if (parts[1] == "norm") return Component::norm;
  return std::nullopt;
}

std::optional<Component> opt_outside_blocks(const std::vector<std::string>& parts) {
  if (parts.size() < 4 || parts[0] != "model" || parts[1] != "decoder") return std::nullopt;
  const std::string& module = parts[2];
  if (module == "embed_tokens" || module == "embed_positions" || module == "project_in" ||
      module == "project_out") {
    return Component::embedding;
  }
  if (module == "final_layer_norm") return Component::norm;
  return std::nullopt;
}

}  // namespace

std::string to_string(Component component) {
  switch (component) {
    case Component::embedding: return "embedding";
    case Component::attention: return "attention";
    case Component::feed_forward: return "feed_forward";
    case Component::norm: return "norm";
    case Component::lm_head: return "lm_head";
  }
  return "embedding";  // unreachable: every enumerator is handled above
}

Component parse_component(const std::string& text) {
  std::string valid;
  for (const Component component : kAllComponents) {
    if (text == to_string(component)) return component;
    valid += (valid.empty() ? "" : ", ") + to_string(component);
  }
  throw Error("\"" + text + "\" is not a model component (expected one of " + valid + ")");
}

std::vector<Component> all_components() {
  return {std::begin(kAllComponents), std::end(kAllComponents)};
}

std::optional<Component> classify_tensor(const std::string& name, ArchitectureFamily family) {
  const std::vector<std::string> parts = split_dots(name);
  if (parts.size() >= 2 && parts[0] == "lm_head") return Component::lm_head;
  if (const auto layers = layers_segment(parts)) {
    if (*layers + 2 >= parts.size()) return std::nullopt;
    const std::string& module = parts[*layers + 2];
    return family == ArchitectureFamily::opt ? opt_block_component(module)
                                             : llama_block_component(module);
  }
  return family == ArchitectureFamily::opt ? opt_outside_blocks(parts)
                                           : llama_outside_blocks(parts);
}

std::optional<int64_t> parse_block_index(const std::string& name) {
  const std::vector<std::string> parts = split_dots(name);
  const auto layers = layers_segment(parts);
  if (!layers) return std::nullopt;
  const std::string& digits = parts[*layers + 1];
  // Block counts are small; a longer digit run is not a block index.
  if (digits.size() > 9) return std::nullopt;
  return std::stoll(digits);
}

}  // namespace beamline::modelio
