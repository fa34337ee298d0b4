// config.json (+ generation_config.json) parsing against configs as the
// Hugging Face hub publishes them, and every way a config can be refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/worker/modelio/modelio_test_support.h"
#include "worker/modelio/json_file.h"
#include "worker/modelio/model_config.h"

namespace beamline::modelio {
namespace {

using nlohmann::json;
using testing::expect_error;
using testing::ScratchDir;
using testing::write_text;

// meta-llama/Llama-2-7b-hf config.json.
const char* kLlama2Config = R"({
  "architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
  "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
  "intermediate_size": 11008, "max_position_embeddings": 4096, "model_type": "llama",
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32,
  "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null,
  "tie_word_embeddings": false, "torch_dtype": "float16",
  "transformers_version": "4.31.0.dev0", "use_cache": true, "vocab_size": 32000
})";

// mistralai/Mistral-7B-v0.1 config.json.
const char* kMistralConfig = R"({
  "architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
  "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
  "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4096,
  "tie_word_embeddings": false, "torch_dtype": "bfloat16",
  "transformers_version": "4.34.0.dev0", "use_cache": true, "vocab_size": 32000
})";

// Qwen/Qwen2-0.5B-Instruct config.json and generation_config.json.
const char* kQwen2Config = R"({
  "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
  "eos_token_id": 151645, "hidden_act": "silu", "hidden_size": 896,
  "initializer_range": 0.02, "intermediate_size": 4864, "max_position_embeddings": 32768,
  "max_window_layers": 24, "model_type": "qwen2", "num_attention_heads": 14,
  "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
  "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
  "torch_dtype": "bfloat16", "transformers_version": "4.40.0", "use_cache": true,
  "use_sliding_window": false, "vocab_size": 151936
})";
const char* kQwen2GenerationConfig = R"({
  "bos_token_id": 151643, "pad_token_id": 151643, "do_sample": true,
  "eos_token_id": [151645, 151643], "repetition_penalty": 1.1, "temperature": 0.7,
  "top_p": 0.8, "top_k": 20, "transformers_version": "4.37.0"
})";

// facebook/opt-125m config.json.
const char* kOptConfig = R"({
  "_name_or_path": "facebook/opt-125m", "_remove_final_layer_norm": false,
  "activation_dropout": 0.0, "activation_function": "relu",
  "architectures": ["OPTForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 2,
  "do_layer_norm_before": true, "dropout": 0.1, "eos_token_id": 2, "ffn_dim": 3072,
  "hidden_size": 768, "init_std": 0.02, "layerdrop": 0.0, "max_position_embeddings": 2048,
  "model_type": "opt", "num_attention_heads": 12, "num_hidden_layers": 12,
  "pad_token_id": 1, "prefix": "</s>", "torch_dtype": "float16",
  "transformers_version": "4.21.0.dev0", "use_cache": true, "vocab_size": 50272,
  "word_embed_proj_dim": 768
})";

class ModelConfigTest : public ::testing::Test {
 protected:
  ModelConfig load(const json& config) {
    write_json_file(dir.file("config.json"), config);
    return load_model_config(dir.str());
  }
  // Loads BASE with FIELD changed (or removed when VALUE is discarded) and
  // expects an error naming config.json, the field and FRAGMENTS.
  void expect_refused(const char* base, const std::string& field, const json& value,
                      std::vector<std::string> fragments) {
    json config = json::parse(base);
    if (value.is_discarded()) {
      config.erase(field);
    } else {
      config[field] = value;
    }
    write_json_file(dir.file("config.json"), config);
    fragments.push_back("config.json");
    fragments.push_back("\"" + field + "\"");
    expect_error([&] { load_model_config(dir.str()); }, fragments);
  }

  ScratchDir dir;
};

TEST_F(ModelConfigTest, Llama2) {
  const ModelConfig config = load(json::parse(kLlama2Config));
  EXPECT_EQ(config.architecture, "LlamaForCausalLM");
  EXPECT_EQ(config.family, ArchitectureFamily::llama);
  EXPECT_EQ(config.vocab_size, 32000);
  EXPECT_EQ(config.hidden_size, 4096);
  EXPECT_EQ(config.intermediate_size, 11008);
  EXPECT_EQ(config.num_hidden_layers, 32);
  EXPECT_EQ(config.num_attention_heads, 32);
  EXPECT_EQ(config.num_key_value_heads, 32);
  EXPECT_EQ(config.head_dim, 128);
  EXPECT_EQ(config.max_position_embeddings, 4096);
  EXPECT_EQ(config.hidden_act, "silu");
  EXPECT_DOUBLE_EQ(config.rms_norm_eps, 1e-5);
  EXPECT_DOUBLE_EQ(config.rope_theta, 10000.0);
  EXPECT_FALSE(config.tie_word_embeddings);
  EXPECT_FALSE(config.attention_bias);
  EXPECT_FALSE(config.o_proj_bias);
  EXPECT_FALSE(config.mlp_bias);
  EXPECT_FALSE(config.sliding_window.has_value());
  EXPECT_EQ(config.bos_token_id, 1);
  EXPECT_EQ(config.eos_token_ids, std::vector<int64_t>{2});
  EXPECT_FALSE(config.pad_token_id.has_value());
  EXPECT_EQ(config.torch_dtype, "float16");
}

TEST_F(ModelConfigTest, LlamaBiasesAndExplicitHeadDim) {
  json config = json::parse(kLlama2Config);
  config["attention_bias"] = true;
  config["mlp_bias"] = true;
  config["head_dim"] = 64;  // heads * head_dim need not equal hidden_size
  config["num_key_value_heads"] = 8;
  const ModelConfig loaded = load(config);
  EXPECT_TRUE(loaded.attention_bias);
  EXPECT_TRUE(loaded.o_proj_bias) << "Llama's attention_bias covers o_proj too";
  EXPECT_TRUE(loaded.mlp_bias);
  EXPECT_EQ(loaded.head_dim, 64);
  EXPECT_EQ(loaded.num_key_value_heads, 8);
}

TEST_F(ModelConfigTest, Mistral) {
  const ModelConfig config = load(json::parse(kMistralConfig));
  EXPECT_EQ(config.family, ArchitectureFamily::llama);
  EXPECT_EQ(config.intermediate_size, 14336);
  EXPECT_EQ(config.num_key_value_heads, 8);
  EXPECT_EQ(config.head_dim, 128);
  EXPECT_EQ(config.max_position_embeddings, 32768);
  ASSERT_TRUE(config.sliding_window.has_value());
  EXPECT_EQ(*config.sliding_window, 4096);
  EXPECT_EQ(config.sliding_window_first_layer, 0);
  EXPECT_FALSE(config.attention_bias);
  EXPECT_EQ(config.torch_dtype, "bfloat16");
}

TEST_F(ModelConfigTest, MistralSlidingWindowNullMeansNone) {
  json config = json::parse(kMistralConfig);
  config["sliding_window"] = nullptr;  // as in Mistral-7B-v0.2 and later
  EXPECT_FALSE(load(config).sliding_window.has_value());
  config.erase("sliding_window");  // absent: MistralConfig's default
  EXPECT_EQ(load(config).sliding_window, 4096);
}

TEST_F(ModelConfigTest, Qwen2WithGenerationConfig) {
  write_text(dir.file("generation_config.json"), kQwen2GenerationConfig);
  const ModelConfig config = load(json::parse(kQwen2Config));
  EXPECT_EQ(config.family, ArchitectureFamily::llama);
  EXPECT_EQ(config.vocab_size, 151936);
  EXPECT_EQ(config.hidden_size, 896);
  EXPECT_EQ(config.num_attention_heads, 14);
  EXPECT_EQ(config.num_key_value_heads, 2);
  EXPECT_EQ(config.head_dim, 64);
  EXPECT_DOUBLE_EQ(config.rope_theta, 1000000.0);
  EXPECT_DOUBLE_EQ(config.rms_norm_eps, 1e-6);
  EXPECT_TRUE(config.tie_word_embeddings);
  EXPECT_TRUE(config.attention_bias) << "Qwen2 always has q/k/v biases";
  EXPECT_FALSE(config.o_proj_bias) << "and never an o_proj bias";
  EXPECT_FALSE(config.sliding_window.has_value()) << "use_sliding_window is false";
  EXPECT_EQ(config.bos_token_id, 151643);
  EXPECT_EQ(config.eos_token_ids, (std::vector<int64_t>{151645, 151643}))
      << "generation_config.json's list overrides config.json's single eos";
  EXPECT_EQ(config.pad_token_id, 151643);
}

TEST_F(ModelConfigTest, Qwen2SlidingWindowOnlyWhenEnabled) {
  json config = json::parse(kQwen2Config);
  config["use_sliding_window"] = true;
  config["sliding_window"] = 4096;
  const ModelConfig loaded = load(config);
  EXPECT_EQ(loaded.sliding_window, 4096);
  EXPECT_EQ(loaded.sliding_window_first_layer, 24) << "from max_window_layers";
}

TEST_F(ModelConfigTest, Opt125m) {
  const ModelConfig config = load(json::parse(kOptConfig));
  EXPECT_EQ(config.architecture, "OPTForCausalLM");
  EXPECT_EQ(config.family, ArchitectureFamily::opt);
  EXPECT_EQ(config.vocab_size, 50272);
  EXPECT_EQ(config.hidden_size, 768);
  EXPECT_EQ(config.intermediate_size, 3072);
  EXPECT_EQ(config.num_hidden_layers, 12);
  EXPECT_EQ(config.num_attention_heads, 12);
  EXPECT_EQ(config.num_key_value_heads, 12);
  EXPECT_EQ(config.head_dim, 64);
  EXPECT_EQ(config.max_position_embeddings, 2048);
  EXPECT_EQ(config.hidden_act, "relu");
  EXPECT_TRUE(config.do_layer_norm_before);
  EXPECT_TRUE(config.enable_bias);
  EXPECT_TRUE(config.layer_norm_elementwise_affine);
  EXPECT_EQ(config.word_embed_proj_dim, 768);
  EXPECT_EQ(config.position_offset, 2);
  EXPECT_DOUBLE_EQ(config.layer_norm_eps, 1e-5);
  EXPECT_TRUE(config.tie_word_embeddings) << "OPT ties lm_head unless told otherwise";
  EXPECT_EQ(config.bos_token_id, 2);
  EXPECT_EQ(config.eos_token_ids, std::vector<int64_t>{2});
  EXPECT_EQ(config.pad_token_id, 1);
}

TEST_F(ModelConfigTest, OptProjectionAndBiasFlags) {
  json config = json::parse(kOptConfig);
  config["word_embed_proj_dim"] = 512;
  config["enable_bias"] = false;
  config["layer_norm_elementwise_affine"] = false;
  config["tie_word_embeddings"] = false;
  const ModelConfig loaded = load(config);
  EXPECT_EQ(loaded.word_embed_proj_dim, 512);
  EXPECT_FALSE(loaded.enable_bias);
  EXPECT_FALSE(loaded.attention_bias);
  EXPECT_FALSE(loaded.layer_norm_elementwise_affine);
  EXPECT_FALSE(loaded.tie_word_embeddings);
}

TEST_F(ModelConfigTest, GenerationConfigWithSingleEos) {
  write_text(dir.file("generation_config.json"), R"({"eos_token_id": 7, "bos_token_id": 5})");
  const ModelConfig config = load(json::parse(kLlama2Config));
  EXPECT_EQ(config.eos_token_ids, std::vector<int64_t>{7});
  EXPECT_EQ(config.bos_token_id, 5);
}

TEST_F(ModelConfigTest, MalformedGenerationConfig) {
  write_text(dir.file("generation_config.json"), R"({"eos_token_id": "two"})");
  write_json_file(dir.file("config.json"), json::parse(kLlama2Config));
  expect_error([&] { load_model_config(dir.str()); },
               {"generation_config.json", "\"eos_token_id\"", "integer"});
}

TEST_F(ModelConfigTest, MissingConfigFile) {
  expect_error([&] { load_model_config(dir.str()); }, {"config.json", "cannot open"});
  write_text(dir.file("config.json"), "{\"architectures\": [");
  expect_error([&] { load_model_config(dir.str()); }, {"config.json", "not valid JSON"});
}

TEST_F(ModelConfigTest, MissingRequiredFields) {
  const json removed = json(json::value_t::discarded);
  expect_refused(kLlama2Config, "hidden_size", removed, {"missing"});
  expect_refused(kLlama2Config, "vocab_size", removed, {"missing"});
  expect_refused(kLlama2Config, "architectures", removed, {"missing", "LlamaForCausalLM"});
  expect_refused(kOptConfig, "ffn_dim", removed, {"missing"});
}

TEST_F(ModelConfigTest, WrongJsonTypes) {
  expect_refused(kLlama2Config, "hidden_size", "4096", {"must be an integer", "string"});
  expect_refused(kLlama2Config, "num_hidden_layers", 32.5, {"must be an integer"});
  expect_refused(kLlama2Config, "rms_norm_eps", "1e-5", {"must be a number"});
  expect_refused(kLlama2Config, "tie_word_embeddings", 1, {"must be true or false"});
  expect_refused(kLlama2Config, "num_attention_heads", 0, {"positive"});
  expect_refused(kLlama2Config, "architectures", "LlamaForCausalLM", {"non-empty list"});
  expect_refused(kQwen2Config, "eos_token_id", json::array({1, "x"}), {"list of integers"});
}

TEST_F(ModelConfigTest, UnknownArchitectureListsSupportedOnes) {
  expect_refused(kLlama2Config, "architectures", json::array({"GPTNeoXForCausalLM"}),
                 {"GPTNeoXForCausalLM", "not supported", "LlamaForCausalLM", "MistralForCausalLM",
                  "Qwen2ForCausalLM", "OPTForCausalLM"});
}

TEST_F(ModelConfigTest, RopeScalingIsNotImplemented) {
  expect_refused(kLlama2Config, "rope_scaling", {{"type", "linear"}, {"factor", 2.0}},
                 {"\"linear\"", "not implemented"});
  expect_refused(kLlama2Config, "rope_scaling",
                 {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0}},
                 {"\"llama3\"", "not implemented"});
  expect_refused(kLlama2Config, "rope_scaling", "yes", {"null or an object"});
  json config = json::parse(kLlama2Config);
  config["rope_scaling"] = {{"rope_type", "default"}};
  EXPECT_NO_THROW(load(config)) << "\"default\" is plain RoPE";
}

TEST_F(ModelConfigTest, UnsupportedActivationsAndLayouts) {
  expect_refused(kLlama2Config, "hidden_act", "gelu", {"\"gelu\"", "\"silu\""});
  expect_refused(kOptConfig, "activation_function", "gelu", {"\"gelu\"", "\"relu\""});
  expect_refused(kOptConfig, "do_layer_norm_before", false, {"not implemented"});
  expect_refused(kOptConfig, "_remove_final_layer_norm", true, {"not implemented"});
}

TEST_F(ModelConfigTest, HeadCountsMustDivide) {
  json config = json::parse(kLlama2Config);
  config["num_attention_heads"] = 33;
  config["num_key_value_heads"] = 33;
  write_json_file(dir.file("config.json"), config);
  expect_error([&] { load_model_config(dir.str()); },
               {"config.json", "\"hidden_size\" (4096)", "divisible by num_attention_heads (33)"});
  config = json::parse(kLlama2Config);
  config["num_key_value_heads"] = 5;
  write_json_file(dir.file("config.json"), config);
  expect_error([&] { load_model_config(dir.str()); },
               {"config.json", "\"num_key_value_heads\"", "must divide num_attention_heads (32)"});
}

}  // namespace
}  // namespace beamline::modelio
