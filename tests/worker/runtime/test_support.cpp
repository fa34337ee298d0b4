#include "tests/worker/runtime/test_support.h"

#include <torch/torch.h>

#include "worker/modelio/run_options.h"

namespace beamline::runtime::testing {

std::vector<Variant> all_variants() {
  std::vector<Variant> out;
  {
    TinySpec s;
    s.num_heads = 4;
    s.num_kv_heads = 2;
    out.push_back({"llama_gqa", s});
  }
  {
    TinySpec s;
    s.num_kv_heads = 1;
    s.attention_bias = true;
    s.tie_word_embeddings = true;
    s.rope_theta = 500000.0;
    s.seed = 2;
    out.push_back({"llama_bias_tied_mqa", s});
  }
  {
    TinySpec s;
    s.architecture = "MistralForCausalLM";
    s.num_kv_heads = 2;
    s.sliding_window = 3;
    s.num_layers = 3;
    s.seed = 3;
    out.push_back({"mistral_window3", s});
  }
  {
    TinySpec s;
    s.architecture = "Qwen2ForCausalLM";
    s.num_kv_heads = 2;
    s.tie_word_embeddings = true;
    s.seed = 4;
    out.push_back({"qwen2_bias", s});
  }
  {
    TinySpec s;
    s.architecture = "Qwen2ForCausalLM";
    s.num_kv_heads = 1;
    s.sliding_window = 4;
    s.max_window_layers = 1;
    s.seed = 5;
    out.push_back({"qwen2_window_from_layer1", s});
  }
  {
    TinySpec s;
    s.architecture = "OPTForCausalLM";
    s.intermediate_size = 64;
    s.tie_word_embeddings = true;
    s.seed = 6;
    out.push_back({"opt", s});
  }
  {
    TinySpec s;
    s.architecture = "OPTForCausalLM";
    s.intermediate_size = 64;
    s.word_embed_proj_dim = 16;
    s.tie_word_embeddings = true;
    s.seed = 7;
    out.push_back({"opt_project_in_out", s});
  }
  return out;
}

TinyModel::TinyModel(const TinySpec& s, const std::string& dtype) : dir(std::make_unique<ScratchDir>("model")), spec(s) {
  weights = write_tiny_model(dir->path(), spec);
  LoadOptions options;
  options.run = modelio::parse_run_options(dtype, "cpu");
  loaded = LoadedModel::load(dir->path(), options);
}

std::vector<int64_t> make_prompt(int64_t length, int64_t vocab_size, uint64_t salt) {
  std::vector<int64_t> ids;
  uint64_t x = salt * 0x9E3779B97F4A7C15ull + 12345;
  for (int64_t i = 0; i < length; ++i) {
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    ids.push_back(3 + static_cast<int64_t>(x % static_cast<uint64_t>(vocab_size - 3)));
  }
  return ids;
}

::testing::AssertionResult logits_close(const at::Tensor& actual, const at::Tensor& reference, double rtol) {
  if (actual.sizes() != reference.sizes()) {
    return ::testing::AssertionFailure() << "shape " << actual.sizes() << " vs reference " << reference.sizes();
  }
  const at::Tensor a = actual.to(torch::kDouble);
  const double scale = reference.abs().max().item<double>();
  const double worst = (a - reference).abs().max().item<double>();
  if (!std::isfinite(worst) || worst > rtol * scale) {
    return ::testing::AssertionFailure() << "max |diff| " << worst << " > " << rtol << " * max |ref| " << scale;
  }
  return ::testing::AssertionSuccess() << "max |diff| " << worst << ", max |ref| " << scale;
}

}  // namespace beamline::runtime::testing
