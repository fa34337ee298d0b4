// Llama-family config.json fields, named and defaulted as transformers'
// LlamaConfig, MistralConfig and Qwen2Config do.
#include "worker/modelio/model_config_families.h"

namespace beamline::modelio {
namespace {

constexpr const char* kLlama = "LlamaForCausalLM";
constexpr const char* kMistral = "MistralForCausalLM";
constexpr const char* kQwen2 = "Qwen2ForCausalLM";

// transformers' defaults for max_position_embeddings, per config class.
constexpr int64_t kLlamaDefaultMaxPositions = 2048;
constexpr int64_t kMistralDefaultMaxPositions = 4096 * 32;
constexpr int64_t kQwen2DefaultMaxPositions = 32768;
// MistralConfig/Qwen2Config default sliding_window, and Qwen2's max_window_layers.
constexpr int64_t kDefaultSlidingWindow = 4096;
constexpr int64_t kQwen2DefaultMaxWindowLayers = 28;

// Scaled rotary embeddings (linear, dynamic, yarn, llama3, ...) change the
// rotation frequencies; computing plain RoPE instead would silently give
// wrong logits, so any scaling other than "default" is refused.
void reject_rope_scaling(const JsonFields& fields) {
  const nlohmann::json* scaling = fields.find("rope_scaling");
  if (scaling == nullptr) return;
  if (!scaling->is_object()) {
    fields.fail("rope_scaling", std::string("must be null or an object, got ") +
                                    scaling->type_name());
  }
  std::string type = "(unnamed)";
  for (const char* key : {"rope_type", "type"}) {
    const auto it = scaling->find(key);
    if (it != scaling->end() && it->is_string()) {
      type = it->get<std::string>();
      break;
    }
  }
  if (type == "default") return;
  fields.fail("rope_scaling", "has type \"" + type +
                                  "\": rope scaling is not implemented (only plain rotary "
                                  "embeddings are; rope_scaling must be null)");
}

int64_t default_max_positions(const std::string& architecture) {
  if (architecture == kMistral) return kMistralDefaultMaxPositions;
  if (architecture == kQwen2) return kQwen2DefaultMaxPositions;
  return kLlamaDefaultMaxPositions;
}

void read_biases_and_window(const JsonFields& fields, ModelConfig& config) {
  if (config.architecture == kLlama) {
    // LlamaAttention gives q, k, v and o_proj the same attention_bias.
    config.attention_bias = fields.bool_or("attention_bias", false);
    config.o_proj_bias = config.attention_bias;
    config.mlp_bias = fields.bool_or("mlp_bias", false);
  } else if (config.architecture == kMistral) {
    config.attention_bias = false;
    config.o_proj_bias = false;
    config.mlp_bias = false;
    config.sliding_window = fields.contains_key("sliding_window")
                                ? fields.optional_positive_int("sliding_window")
                                : std::optional<int64_t>(kDefaultSlidingWindow);
    config.sliding_window_first_layer = 0;
  } else if (config.architecture == kQwen2) {
    // Qwen2Attention: q/k/v always biased, o_proj never.
    config.attention_bias = true;
    config.o_proj_bias = false;
    config.mlp_bias = false;
    if (fields.bool_or("use_sliding_window", false)) {
      config.sliding_window = fields.contains_key("sliding_window")
                                  ? fields.optional_positive_int("sliding_window")
                                  : std::optional<int64_t>(kDefaultSlidingWindow);
      config.sliding_window_first_layer =
          fields.optional_int("max_window_layers").value_or(kQwen2DefaultMaxWindowLayers);
    }
  }
}

}  // namespace

void read_llama_family_config(const JsonFields& fields, ModelConfig& config) {
  config.family = ArchitectureFamily::llama;
  config.vocab_size = fields.required_positive_int("vocab_size");
  config.hidden_size = fields.required_positive_int("hidden_size");
  config.intermediate_size = fields.required_positive_int("intermediate_size");
  config.num_hidden_layers = fields.required_positive_int("num_hidden_layers");
  config.num_attention_heads = fields.required_positive_int("num_attention_heads");
  config.num_key_value_heads =
      fields.optional_positive_int("num_key_value_heads").value_or(config.num_attention_heads);
  config.head_dim = fields.optional_positive_int("head_dim").value_or(0);
  config.max_position_embeddings = fields.optional_positive_int("max_position_embeddings")
                                       .value_or(default_max_positions(config.architecture));

  config.hidden_act = fields.string_or("hidden_act", "silu");
  if (config.hidden_act != "silu") {
    fields.fail("hidden_act", "is \"" + config.hidden_act + "\", but " + config.architecture +
                                  " is implemented with \"silu\" only");
  }
  config.rms_norm_eps = fields.number_or("rms_norm_eps", 1e-6);
  config.rope_theta = fields.number_or("rope_theta", 10000.0);
  reject_rope_scaling(fields);
  config.tie_word_embeddings = fields.bool_or("tie_word_embeddings", false);
  read_biases_and_window(fields, config);
}

}  // namespace beamline::modelio
