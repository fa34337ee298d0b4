#include "tests/worker/runtime/tiny_models.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "worker/modelio/torch_safetensors_writer.h"

namespace beamline::runtime::testing {
namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

RawWeights make_weights(const TinySpec& s) {
  torch::manual_seed(s.seed);
  RawWeights w;
  const auto rnd = [&](std::vector<int64_t> shape) { return torch::randn(shape) * s.weight_std; };
  // Norm weights around 1 (not exactly 1, so a missing scale shows up).
  const auto norm = [&](int64_t n) { return 1.0 + 0.1 * torch::randn({n}); };
  const int64_t d = s.hidden_size;
  const int64_t ffn = s.intermediate_size;
  if (s.is_opt()) {
    const std::string r = "model.decoder.";
    const int64_t p = s.proj_dim();
    w[r + "embed_tokens.weight"] = rnd({s.vocab_size, p});
    w[r + "embed_positions.weight"] = rnd({s.max_position_embeddings + 2, d});
    if (p != d) {
      w[r + "project_in.weight"] = rnd({d, p});
      w[r + "project_out.weight"] = rnd({p, d});
    }
    for (int64_t i = 0; i < s.num_layers; ++i) {
      const std::string l = r + "layers." + std::to_string(i) + ".";
      for (const char* proj : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
        w[l + "self_attn." + proj + ".weight"] = rnd({d, d});
        w[l + "self_attn." + proj + ".bias"] = rnd({d});
      }
      w[l + "self_attn_layer_norm.weight"] = norm(d);
      w[l + "self_attn_layer_norm.bias"] = rnd({d});
      w[l + "final_layer_norm.weight"] = norm(d);
      w[l + "final_layer_norm.bias"] = rnd({d});
      w[l + "fc1.weight"] = rnd({ffn, d});
      w[l + "fc1.bias"] = rnd({ffn});
      w[l + "fc2.weight"] = rnd({d, ffn});
      w[l + "fc2.bias"] = rnd({d});
    }
    w[r + "final_layer_norm.weight"] = norm(d);
    w[r + "final_layer_norm.bias"] = rnd({d});
    return w;
  }
  const int64_t q_dim = s.num_heads * s.head_dim();
  const int64_t kv_dim = s.num_kv_heads * s.head_dim();
  w["model.embed_tokens.weight"] = rnd({s.vocab_size, d});
  for (int64_t i = 0; i < s.num_layers; ++i) {
    const std::string l = "model.layers." + std::to_string(i) + ".";
    w[l + "input_layernorm.weight"] = norm(d);
    w[l + "post_attention_layernorm.weight"] = norm(d);
    w[l + "self_attn.q_proj.weight"] = rnd({q_dim, d});
    w[l + "self_attn.k_proj.weight"] = rnd({kv_dim, d});
    w[l + "self_attn.v_proj.weight"] = rnd({kv_dim, d});
    w[l + "self_attn.o_proj.weight"] = rnd({d, q_dim});
    if (s.qkv_bias()) {
      w[l + "self_attn.q_proj.bias"] = rnd({q_dim});
      w[l + "self_attn.k_proj.bias"] = rnd({kv_dim});
      w[l + "self_attn.v_proj.bias"] = rnd({kv_dim});
    }
    if (s.o_bias()) w[l + "self_attn.o_proj.bias"] = rnd({d});
    w[l + "mlp.gate_proj.weight"] = rnd({ffn, d});
    w[l + "mlp.up_proj.weight"] = rnd({ffn, d});
    w[l + "mlp.down_proj.weight"] = rnd({d, ffn});
  }
  w["model.norm.weight"] = norm(d);
  if (!s.tie_word_embeddings) w["lm_head.weight"] = rnd({s.vocab_size, d});
  return w;
}

std::string config_json(const TinySpec& s) {
  nlohmann::json c;
  c["architectures"] = {s.architecture};
  c["vocab_size"] = s.vocab_size;
  c["hidden_size"] = s.hidden_size;
  c["num_hidden_layers"] = s.num_layers;
  c["num_attention_heads"] = s.num_heads;
  c["max_position_embeddings"] = s.max_position_embeddings;
  c["bos_token_id"] = s.bos_token_id;
  c["eos_token_id"] = s.eos_token_id;
  c["tie_word_embeddings"] = s.tie_word_embeddings;
  c["torch_dtype"] = "float32";
  if (s.is_opt()) {
    c["model_type"] = "opt";
    c["ffn_dim"] = s.intermediate_size;
    c["activation_function"] = "relu";
    c["do_layer_norm_before"] = true;
    c["word_embed_proj_dim"] = s.proj_dim();
    c["pad_token_id"] = 1;
    return c.dump(2);
  }
  c["intermediate_size"] = s.intermediate_size;
  c["num_key_value_heads"] = s.num_kv_heads;
  c["hidden_act"] = "silu";
  c["rms_norm_eps"] = s.rms_norm_eps;
  c["rope_theta"] = s.rope_theta;
  if (s.architecture == "LlamaForCausalLM") c["attention_bias"] = s.attention_bias;
  if (s.architecture == "MistralForCausalLM") {
    c["sliding_window"] = s.sliding_window ? nlohmann::json(*s.sliding_window) : nlohmann::json(nullptr);
  }
  if (s.architecture == "Qwen2ForCausalLM" && s.sliding_window) {
    c["use_sliding_window"] = true;
    c["sliding_window"] = *s.sliding_window;
    c["max_window_layers"] = s.max_window_layers;
  }
  return c.dump(2);
}

std::string tokenizer_json(int64_t vocab_size) {
  nlohmann::json vocab = nlohmann::json::object();
  vocab["<unk>"] = 0;
  vocab["<s>"] = 1;
  vocab["</s>"] = 2;
  for (int64_t i = 3; i < vocab_size; ++i) vocab["w" + std::to_string(i)] = i;
  nlohmann::json special = nlohmann::json::array();
  const char* names[] = {"<unk>", "<s>", "</s>"};
  for (int i = 0; i < 3; ++i) {
    special.push_back({{"id", i}, {"content", names[i]}, {"special", true}, {"single_word", false},
                       {"lstrip", false}, {"rstrip", false}, {"normalized", false}});
  }
  nlohmann::json t;
  t["version"] = "1.0";
  t["added_tokens"] = special;
  t["normalizer"] = nullptr;
  t["pre_tokenizer"] = {{"type", "Whitespace"}};
  t["post_processor"] = nullptr;
  t["decoder"] = nullptr;
  t["model"] = {{"type", "WordLevel"}, {"vocab", vocab}, {"unk_token", "<unk>"}};
  return t.dump(2);
}

void write_tiny_model(const std::string& dir, const TinySpec& spec, const RawWeights& weights) {
  std::filesystem::create_directories(dir);
  write_file(dir + "/config.json", config_json(spec));
  write_file(dir + "/tokenizer.json", tokenizer_json(spec.vocab_size));
  modelio::NamedTensors tensors(weights.begin(), weights.end());
  modelio::write_checkpoint(dir, tensors);
}

RawWeights write_tiny_model(const std::string& dir, const TinySpec& spec) {
  RawWeights weights = make_weights(spec);
  write_tiny_model(dir, spec, weights);
  return weights;
}

ScratchDir::ScratchDir(const std::string& tag) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "beamline_runtime_" + tag + "_" + std::to_string(::getpid());
  if (info != nullptr) name += std::string("_") + info->test_suite_name() + "_" + info->name();
  for (char& ch : name) {
    if (ch == '/') ch = '_';
  }
  path_ = (std::filesystem::temp_directory_path() / name).string();
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace beamline::runtime::testing
