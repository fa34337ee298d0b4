// A model directory that does not match its config: each a beamline::Error
// naming the tensor (or field), never a crash.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "tests/worker/runtime/tiny_models.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::runtime::testing {
namespace {

std::string load_error(const std::string& dir) {
  try {
    LoadedModel::load(dir);
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("NOT A beamline::Error: ") + e.what();
  }
  return "no error";
}

class BadInputTest : public ::testing::TestWithParam<std::string> {};

TinySpec spec_for(const std::string& arch) {
  TinySpec s;
  s.architecture = arch;
  if (arch == "OPTForCausalLM") s.tie_word_embeddings = true;
  return s;
}

std::string some_layer_tensor(const TinySpec& spec) {
  return spec.is_opt() ? "model.decoder.layers.1.fc1.weight" : "model.layers.1.self_attn.v_proj.weight";
}

TEST_P(BadInputTest, WrongTensorShapeIsNamed) {
  ScratchDir dir("bad_shape");
  const TinySpec spec = spec_for(GetParam());
  RawWeights weights = make_weights(spec);
  const std::string name = some_layer_tensor(spec);
  weights[name] = torch::zeros({weights[name].size(0) + 1, weights[name].size(1)});
  write_tiny_model(dir.path(), spec, weights);
  const std::string message = load_error(dir.path());
  EXPECT_NE(message.find(name), std::string::npos) << message;
  EXPECT_EQ(message.find("NOT A"), std::string::npos) << message;
}

TEST_P(BadInputTest, MissingTensorIsNamed) {
  ScratchDir dir("missing");
  const TinySpec spec = spec_for(GetParam());
  RawWeights weights = make_weights(spec);
  const std::string name = some_layer_tensor(spec);
  weights.erase(name);
  write_tiny_model(dir.path(), spec, weights);
  const std::string message = load_error(dir.path());
  EXPECT_NE(message.find(name), std::string::npos) << message;
  EXPECT_EQ(message.find("NOT A"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Runtime, BadInputTest,
                         ::testing::Values("LlamaForCausalLM", "Qwen2ForCausalLM", "OPTForCausalLM"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(0, info.param.find("For"));
                         });

TEST(BadInput, MissingQwen2BiasIsNamed) {
  ScratchDir dir("qwen_bias");
  TinySpec spec;
  spec.architecture = "Qwen2ForCausalLM";
  RawWeights weights = make_weights(spec);
  weights.erase("model.layers.0.self_attn.k_proj.bias");
  write_tiny_model(dir.path(), spec, weights);
  const std::string message = load_error(dir.path());
  EXPECT_NE(message.find("model.layers.0.self_attn.k_proj.bias"), std::string::npos) << message;
}

TEST(BadInput, UntiedLlamaWithoutLmHeadIsNamed) {
  ScratchDir dir("lm_head");
  TinySpec spec;
  RawWeights weights = make_weights(spec);
  weights.erase("lm_head.weight");
  write_tiny_model(dir.path(), spec, weights);
  EXPECT_NE(load_error(dir.path()).find("lm_head.weight"), std::string::npos);
}

TEST(BadInput, NotADirectory) {
  EXPECT_NE(load_error("/nonexistent/model").find("/nonexistent/model"), std::string::npos);
}

TEST(BadInput, MissingTokenizerOnlyMattersForText) {
  ScratchDir dir("no_tokenizer");
  TinySpec spec;
  write_tiny_model(dir.path(), spec);
  std::filesystem::remove(dir.sub("tokenizer.json"));
  const auto loaded = LoadedModel::load(dir.path());
  EXPECT_FALSE(loaded->has_tokenizer());
  try {
    loaded->encode("w3 w4");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace beamline::runtime::testing
