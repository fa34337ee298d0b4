#pragma once
// What config.json (plus generation_config.json) says about a causal LM,
// normalised across families. Parsed by load_model_config(); consumed by the
// architectures. Plain data, no LibTorch.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace beamline::modelio {

enum class ArchitectureFamily { llama, opt };

struct ModelConfig {
  std::string architecture;  // as in config.json "architectures"[0], e.g. "LlamaForCausalLM"
  ArchitectureFamily family = ArchitectureFamily::llama;

  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;  // OPT: ffn_dim
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;  // equals num_attention_heads when absent
  int64_t head_dim = 0;             // hidden_size / num_attention_heads unless given
  int64_t max_position_embeddings = 0;
  std::string hidden_act = "silu";  // OPT: activation_function ("relu")
  bool tie_word_embeddings = false;

  // Llama family.
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  bool attention_bias = false;          // q/k/v (and o for Llama's attention_bias) biases
  bool o_proj_bias = false;             // Qwen2 has q/k/v bias but no o_proj bias
  bool mlp_bias = false;
  std::optional<int64_t> sliding_window;  // Mistral; Qwen2 only when use_sliding_window
  // Layers with index >= this use sliding_window: 0 for Mistral, Qwen2's
  // max_window_layers (transformers applies Qwen2's window only from there).
  int64_t sliding_window_first_layer = 0;

  // OPT.
  double layer_norm_eps = 1e-5;
  bool do_layer_norm_before = true;
  bool layer_norm_elementwise_affine = true;
  bool enable_bias = true;
  int64_t word_embed_proj_dim = 0;  // == hidden_size unless project_in/out exist
  int64_t position_offset = 2;       // OPT's learned positions start at index 2

  // Special ids (generation_config.json overrides config.json when present).
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;
  std::optional<int64_t> pad_token_id;

  std::string torch_dtype;  // informational: the dtype the checkpoint was saved in
};

// "llama" or "opt".
std::string to_string(ArchitectureFamily family);

// The config.json "architectures" values load_model_config() accepts.
std::vector<std::string> supported_architectures();

// Reads DIR/config.json and, when present, DIR/generation_config.json.
// Throws beamline::Error naming the file and field for anything missing,
// malformed or not implemented (unknown architecture, rope_scaling, ...).
ModelConfig load_model_config(const std::string& model_dir);

}  // namespace beamline::modelio
