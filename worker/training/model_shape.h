#pragma once
// The sizes of a model to train and the config.json that describes it in
// the Hugging Face layout the runtime loads (LlamaForCausalLM or
// OPTForCausalLM).
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

namespace beamline::training {

enum class TrainArch { llama, opt };

// Throws beamline::Error for anything but "llama" or "opt".
TrainArch parse_train_arch(const std::string& text);
std::string to_string(TrainArch arch);

struct ModelShape {
  TrainArch arch = TrainArch::llama;
  int64_t hidden = 128;
  int64_t layers = 4;
  int64_t heads = 4;
  int64_t kv_heads = 2;  // llama only (GQA); OPT has one kv head per head
  // llama only: biases on q, k, v and o_proj (config attention_bias, as in
  // Hugging Face's LlamaAttention). A bias gives queries and keys a part
  // that does not depend on the token, which rotary embeddings turn into a
  // purely positional score: "attend to the previous token" is then one
  // learned vector, not something built from every token's embedding.
  bool attention_bias = false;
  // llama only: the rotary base. A larger base rotates more of each head's
  // dimensions slowly, which leaves more of them for matching by content
  // over the length of a prompt.
  double rope_theta = 10000.0;
  // llama only (check_shape refuses it for opt): the size of each
  // attention head (config head_dim); 0 means hidden / heads. Larger heads give GQA's shared keys and values more
  // room without widening the model.
  int64_t head_dim = 0;
  int64_t attention_head_dim() const { return head_dim > 0 ? head_dim : hidden / heads; }
  int64_t intermediate = 384;
  int64_t max_positions = 128;
  int64_t vocab_size = 0;
};

// Throws beamline::Error naming the option for an impossible shape (heads
// not dividing hidden, kv heads not dividing heads, ...).
void check_shape(const ModelShape& shape);

// config.json; the token ids are the task tokenizer's (task_tokenizer.h).
// Embeddings are tied to the lm_head, which keeps the models small.
nlohmann::json model_config_json(const ModelShape& shape);
nlohmann::json generation_config_json();

// float32 parameter count of the shape (tied lm_head counted once).
int64_t parameter_count(const ModelShape& shape);

}  // namespace beamline::training
