#include "worker/modelio/model_config.h"

#include <filesystem>

#include "common/error.h"
#include "worker/modelio/json_file.h"
#include "worker/modelio/json_fields.h"
#include "worker/modelio/model_config_families.h"

namespace beamline::modelio {
namespace {

namespace fs = std::filesystem;

struct SupportedArchitecture {
  const char* name;
  ArchitectureFamily family;
};

constexpr SupportedArchitecture kSupported[] = {
    {"LlamaForCausalLM", ArchitectureFamily::llama},
    {"MistralForCausalLM", ArchitectureFamily::llama},
    {"Qwen2ForCausalLM", ArchitectureFamily::llama},
    {"OPTForCausalLM", ArchitectureFamily::opt},
};

std::string supported_list() {
  std::string text;
  for (const auto& entry : kSupported) {
    if (!text.empty()) text += ", ";
    text += entry.name;
  }
  return text;
}

std::string read_architecture(const JsonFields& fields) {
  const nlohmann::json* value = fields.find("architectures");
  if (value == nullptr) {
    fields.fail("architectures", "is missing (required, e.g. [\"LlamaForCausalLM\"]; supported: " +
                                     supported_list() + ")");
  }
  if (!value->is_array() || value->empty() || !(*value)[0].is_string()) {
    fields.fail("architectures", "must be a non-empty list of strings, got " + value->dump());
  }
  return (*value)[0].get<std::string>();
}

// Sizes every family shares: head_dim defaults to hidden_size / heads, and
// grouped-query attention needs whole groups.
void check_attention_shape(const JsonFields& fields, ModelConfig& config) {
  if (config.head_dim == 0) {
    if (config.hidden_size % config.num_attention_heads != 0) {
      fields.fail("hidden_size", "(" + std::to_string(config.hidden_size) +
                                     ") must be divisible by num_attention_heads (" +
                                     std::to_string(config.num_attention_heads) + ")");
    }
    config.head_dim = config.hidden_size / config.num_attention_heads;
  }
  if (config.num_attention_heads % config.num_key_value_heads != 0) {
    fields.fail("num_key_value_heads", "(" + std::to_string(config.num_key_value_heads) +
                                           ") must divide num_attention_heads (" +
                                           std::to_string(config.num_attention_heads) + ")");
  }
}

void read_special_ids(const JsonFields& fields, ModelConfig& config) {
  if (fields.has("bos_token_id")) config.bos_token_id = fields.optional_int("bos_token_id");
  if (fields.has("eos_token_id")) config.eos_token_ids = fields.int_or_int_list("eos_token_id");
  if (fields.has("pad_token_id")) config.pad_token_id = fields.optional_int("pad_token_id");
}

}  // namespace

std::string to_string(ArchitectureFamily family) {
  return family == ArchitectureFamily::opt ? "opt" : "llama";
}

std::vector<std::string> supported_architectures() {
  std::vector<std::string> names;
  for (const auto& entry : kSupported) names.emplace_back(entry.name);
  return names;
}

ModelConfig load_model_config(const std::string& model_dir) {
  const std::string config_path = (fs::path(model_dir) / "config.json").string();
  const nlohmann::json config_json = read_json_file(config_path);
  const JsonFields fields(config_path, config_json);

  ModelConfig config;
  config.architecture = read_architecture(fields);
  const SupportedArchitecture* supported = nullptr;
  for (const auto& entry : kSupported) {
    if (config.architecture == entry.name) supported = &entry;
  }
  if (supported == nullptr) {
    fields.fail("architectures", "names \"" + config.architecture +
                                     "\", which is not supported (supported: " + supported_list() +
                                     ")");
  }
  if (supported->family == ArchitectureFamily::opt) {
    read_opt_config(fields, config);
  } else {
    read_llama_family_config(fields, config);
  }
  check_attention_shape(fields, config);

  // Informational; newer transformers writes "dtype" instead of "torch_dtype".
  for (const char* key : {"torch_dtype", "dtype"}) {
    const nlohmann::json* dtype = fields.find(key);
    if (dtype != nullptr && dtype->is_string()) {
      config.torch_dtype = dtype->get<std::string>();
      break;
    }
  }
  read_special_ids(fields, config);

  // generation_config.json is what generate() uses for eos/bos/pad, so it
  // wins over config.json wherever it sets a value.
  const std::string generation_path = (fs::path(model_dir) / "generation_config.json").string();
  if (fs::exists(generation_path)) {
    const nlohmann::json generation_json = read_json_file(generation_path);
    read_special_ids(JsonFields(generation_path, generation_json), config);
  }
  return config;
}

}  // namespace beamline::modelio
