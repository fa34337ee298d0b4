#pragma once
// Small random models of every supported architecture, written to disk in
// the Hugging Face layout (config.json, model.safetensors, a WordLevel
// tokenizer.json), plus the raw weights for the reference implementation.
#include <ATen/core/Tensor.h>

#include <map>
#include <optional>
#include <string>

namespace beamline::runtime::testing {

struct TinySpec {
  std::string architecture = "LlamaForCausalLM";
  int64_t vocab_size = 64;
  int64_t hidden_size = 32;
  int64_t intermediate_size = 48;  // OPT: ffn_dim
  int64_t num_layers = 2;
  int64_t num_heads = 4;
  int64_t num_kv_heads = 4;
  double rope_theta = 10000.0;
  double rms_norm_eps = 1e-6;
  std::optional<int64_t> sliding_window;  // Mistral; Qwen2 with use_sliding_window
  int64_t max_window_layers = 0;          // Qwen2: first windowed layer
  bool attention_bias = false;            // Llama: q/k/v/o biases (Qwen2 always has q/k/v)
  bool tie_word_embeddings = false;
  int64_t word_embed_proj_dim = 0;  // OPT: 0 = hidden_size (no project_in/out)
  int64_t max_position_embeddings = 128;
  int64_t bos_token_id = 1;
  int64_t eos_token_id = 2;
  double weight_std = 0.25;  // large enough for clearly separated top logits
  uint64_t seed = 1;

  bool is_opt() const { return architecture == "OPTForCausalLM"; }
  bool qkv_bias() const { return attention_bias || architecture == "Qwen2ForCausalLM"; }
  bool o_bias() const { return attention_bias; }
  int64_t head_dim() const { return hidden_size / num_heads; }
  int64_t proj_dim() const { return word_embed_proj_dim > 0 ? word_embed_proj_dim : hidden_size; }
};

// name -> float32 CPU tensor, exactly what model.safetensors holds.
using RawWeights = std::map<std::string, at::Tensor>;

RawWeights make_weights(const TinySpec& spec);
std::string config_json(const TinySpec& spec);
// WordLevel: <unk>=0, <s>=1, </s>=2, w3 .. w{vocab-1}; Whitespace split.
std::string tokenizer_json(int64_t vocab_size);
// Writes the three files into `dir` (created) and returns the weights.
RawWeights write_tiny_model(const std::string& dir, const TinySpec& spec);
void write_tiny_model(const std::string& dir, const TinySpec& spec, const RawWeights& weights);

// A fresh directory under the temp dir, removed with the object.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace beamline::runtime::testing
