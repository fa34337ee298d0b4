#include "worker/training/model_shape.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "worker/training/task_tokenizer.h"

namespace beamline::training {
namespace {

// OPT's learned position table has two extra rows: HF offsets positions by 2.
constexpr int64_t kOptPositionOffset = 2;

}  // namespace

TrainArch parse_train_arch(const std::string& text) {
  if (text == "llama") return TrainArch::llama;
  if (text == "opt") return TrainArch::opt;
  throw Error("--arch: expected llama or opt, got '" + text + "'");
}

std::string to_string(TrainArch arch) { return arch == TrainArch::llama ? "llama" : "opt"; }

void check_shape(const ModelShape& s) {
  auto positive = [](int64_t value, const char* option) {
    if (value <= 0) throw Error(std::string(option) + ": must be positive, got " + std::to_string(value));
  };
  positive(s.hidden, "--hidden");
  positive(s.layers, "--layers");
  positive(s.heads, "--heads");
  positive(s.kv_heads, "--kv-heads");
  positive(s.intermediate, "--intermediate");
  positive(s.max_positions, "--max-positions");
  positive(s.vocab_size, "vocab size");
  if (!(s.rope_theta > 1.0)) throw Error("--rope-theta: must be greater than 1");
  if (s.attention_bias && s.arch != TrainArch::llama) {
    throw Error("--attention-bias: only for --arch llama (OPT always has biases)");
  }
  if (s.hidden % s.heads != 0) {
    throw Error("--heads: " + std::to_string(s.heads) + " does not divide --hidden " + std::to_string(s.hidden));
  }
  if (s.arch == TrainArch::llama && s.heads % s.kv_heads != 0) {
    throw Error("--kv-heads: " + std::to_string(s.kv_heads) + " does not divide --heads " +
                std::to_string(s.heads));
  }
  if (s.head_dim < 0) throw Error("--head-dim: must be positive (or 0 for hidden / heads)");
  if (s.head_dim > 0 && s.arch != TrainArch::llama) throw Error("--head-dim: only for --arch llama");
  if (s.arch == TrainArch::llama && s.attention_head_dim() % 2 != 0) {
    throw Error("--hidden / --heads (or --head-dim) must be even for rotary embeddings");
  }
}

nlohmann::json model_config_json(const ModelShape& s) {
  nlohmann::json config = {{"vocab_size", s.vocab_size},
                           {"hidden_size", s.hidden},
                           {"num_hidden_layers", s.layers},
                           {"num_attention_heads", s.heads},
                           {"max_position_embeddings", s.max_positions},
                           {"tie_word_embeddings", true},
                           {"pad_token_id", SpecialTokens::pad},
                           {"bos_token_id", SpecialTokens::eos},
                           {"eos_token_id", SpecialTokens::eos},
                           {"torch_dtype", "float32"}};
  if (s.arch == TrainArch::llama) {
    config["architectures"] = {"LlamaForCausalLM"};
    config["model_type"] = "llama";
    config["num_key_value_heads"] = s.kv_heads;
    config["intermediate_size"] = s.intermediate;
    config["hidden_act"] = "silu";
    config["rms_norm_eps"] = 1e-5;
    config["rope_theta"] = s.rope_theta;
    if (s.head_dim > 0) config["head_dim"] = s.head_dim;
    config["attention_bias"] = s.attention_bias;
    config["mlp_bias"] = false;
  } else {
    config["architectures"] = {"OPTForCausalLM"};
    config["model_type"] = "opt";
    config["ffn_dim"] = s.intermediate;
    config["word_embed_proj_dim"] = s.hidden;
    config["activation_function"] = "relu";
    config["do_layer_norm_before"] = true;
    config["enable_bias"] = true;
    config["layer_norm_elementwise_affine"] = true;
  }
  return config;
}

nlohmann::json generation_config_json() {
  return {{"eos_token_id", SpecialTokens::eos},
          {"pad_token_id", SpecialTokens::pad},
          {"bos_token_id", SpecialTokens::eos},
          {"do_sample", false}};
}

int64_t parameter_count(const ModelShape& s) {
  const int64_t d = s.hidden;
  const int64_t head_dim = s.attention_head_dim();
  int64_t per_layer = 0;
  int64_t outside = s.vocab_size * d;
  if (s.arch == TrainArch::llama) {
    const int64_t q = s.heads * head_dim;
    const int64_t kv = s.kv_heads * head_dim;
    per_layer = d * q * 2 + d * kv * 2 + 3 * d * s.intermediate + 2 * d;
    if (s.attention_bias) per_layer += q + d + 2 * kv;
    outside += d;
  } else {
    per_layer = 4 * (d * d + d) + 2 * d * s.intermediate + s.intermediate + d + 4 * d;
    outside += (s.max_positions + kOptPositionOffset) * d + 2 * d;
  }
  return outside + s.layers * per_layer;
}

}  // namespace beamline::training
