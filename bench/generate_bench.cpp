// Greedy generation throughput at batch 1 and batch 32 on a small random
// Llama model built here, measured side by side in one run. Prints
// `ratio batch32_vs_batch1 X` (generated tokens/s at batch 32 over batch 1)
// and `ratio idle_hooks_vs_none X` (batch-1 tokens/s with a hook set whose
// only hook sits at one point of the last block, over no hook set: what the
// per-point check costs when nothing is attached there; rounds alternate so
// load changes hit both sides alike).
//
//   generate_bench [--quick] [--keep-model DIR]
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "worker/modelio/torch_safetensors_writer.h"
#include "worker/runtime/generate.h"
#include "worker/runtime/loaded_model.h"
#include "worker/runtime/blas_kernels.h"

namespace {

using beamline::runtime::GenerateOptions;
using beamline::runtime::GenerateResult;

struct BenchModel {
  int64_t vocab = 2048;
  int64_t hidden = 256;
  int64_t intermediate = 688;
  int64_t layers = 4;
  int64_t heads = 8;
  int64_t kv_heads = 4;
};

void write_model(const std::string& dir, const BenchModel& m) {
  std::filesystem::create_directories(dir);
  torch::manual_seed(0);
  const auto rnd = [](std::vector<int64_t> shape) { return torch::randn(shape) * 0.05; };
  const int64_t head_dim = m.hidden / m.heads;
  beamline::modelio::NamedTensors tensors;
  tensors.emplace_back("model.embed_tokens.weight", rnd({m.vocab, m.hidden}));
  for (int64_t i = 0; i < m.layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    tensors.emplace_back(p + "input_layernorm.weight", torch::ones({m.hidden}));
    tensors.emplace_back(p + "post_attention_layernorm.weight", torch::ones({m.hidden}));
    tensors.emplace_back(p + "self_attn.q_proj.weight", rnd({m.heads * head_dim, m.hidden}));
    tensors.emplace_back(p + "self_attn.k_proj.weight", rnd({m.kv_heads * head_dim, m.hidden}));
    tensors.emplace_back(p + "self_attn.v_proj.weight", rnd({m.kv_heads * head_dim, m.hidden}));
    tensors.emplace_back(p + "self_attn.o_proj.weight", rnd({m.hidden, m.heads * head_dim}));
    tensors.emplace_back(p + "mlp.gate_proj.weight", rnd({m.intermediate, m.hidden}));
    tensors.emplace_back(p + "mlp.up_proj.weight", rnd({m.intermediate, m.hidden}));
    tensors.emplace_back(p + "mlp.down_proj.weight", rnd({m.hidden, m.intermediate}));
  }
  tensors.emplace_back("model.norm.weight", torch::ones({m.hidden}));
  tensors.emplace_back("lm_head.weight", rnd({m.vocab, m.hidden}));
  beamline::modelio::write_checkpoint(dir, tensors);

  nlohmann::json config = {{"architectures", {"LlamaForCausalLM"}},
                           {"vocab_size", m.vocab},
                           {"hidden_size", m.hidden},
                           {"intermediate_size", m.intermediate},
                           {"num_hidden_layers", m.layers},
                           {"num_attention_heads", m.heads},
                           {"num_key_value_heads", m.kv_heads},
                           {"max_position_embeddings", 2048},
                           {"rms_norm_eps", 1e-6},
                           {"bos_token_id", 1},
                           {"eos_token_id", 2},
                           {"torch_dtype", "float32"}};
  std::ofstream(dir + "/config.json") << config.dump(2);
}

std::vector<std::vector<int64_t>> make_prompts(int64_t count, int64_t vocab) {
  std::vector<std::vector<int64_t>> prompts;
  for (int64_t row = 0; row < count; ++row) {
    std::vector<int64_t> prompt;
    const int64_t length = 16 + (row * 7) % 17;  // 16..32 tokens, different per row
    for (int64_t i = 0; i < length; ++i) prompt.push_back(3 + (row * 131 + i * 17) % (vocab - 3));
    prompts.push_back(prompt);
  }
  return prompts;
}

// Generated tokens per second over `rounds` generate() calls on `prompts`.
double tokens_per_second(beamline::runtime::CausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
                         const GenerateOptions& options, int rounds) {
  int64_t tokens = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    const GenerateResult result = beamline::runtime::generate(model, prompts, options);
    for (const auto& row : result.tokens) tokens += static_cast<int64_t>(row.size());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(tokens) / seconds;
}

// Batch-1 tokens/s without hooks and with an idle hook set, alternating.
std::pair<double, double> hook_cost(beamline::runtime::CausalLM& model, const std::vector<int64_t>& prompt,
                                    GenerateOptions options, int64_t last_block, int rounds) {
  beamline::runtime::HookSet idle;
  idle.attach({last_block, beamline::runtime::LayerKind::down_proj},
              std::make_shared<beamline::runtime::FunctionHook>(
                  [](const beamline::runtime::HookPoint&, int64_t, at::Tensor&) {}));
  GenerateOptions with_hooks = options;
  with_hooks.hooks = &idle;
  double none = 0, hooked = 0;
  for (int round = 0; round < rounds; ++round) {
    // Swap which side goes first each round, so neither always runs warm.
    if (round % 2 == 0) {
      none += tokens_per_second(model, {prompt}, options, 1);
      hooked += tokens_per_second(model, {prompt}, with_hooks, 1);
    } else {
      hooked += tokens_per_second(model, {prompt}, with_hooks, 1);
      none += tokens_per_second(model, {prompt}, options, 1);
    }
  }
  return {none / rounds, hooked / rounds};
}

}  // namespace

int main(int argc, char** argv) {
  beamline::runtime::blas::reexec_with_row_invariant_kernels(argv);
  bool quick = false;
  std::string keep;
  CLI::App app("Greedy generation tokens/s at batch 1 and 32");
  app.add_flag("--quick", quick, "Shortened run");
  app.add_option("--keep-model", keep, "Write the benchmark model here and keep it (default: a scratch directory)");
  CLI11_PARSE(app, argc, argv);
  const BenchModel spec;
  const std::string dir = keep.empty() ? (std::filesystem::temp_directory_path() /
                                          ("beamline_generate_bench_" + std::to_string(::getpid())))
                                             .string()
                                       : keep;
  write_model(dir, spec);
  beamline::runtime::LoadOptions load;
  load.load_tokenizer = false;
  auto loaded = beamline::runtime::LoadedModel::load(dir, load);
  auto& model = loaded->model();

  GenerateOptions options;
  options.max_new_tokens = quick ? 16 : 32;
  options.eos_token_ids = std::vector<int64_t>{};  // every row generates max_new_tokens
  const auto prompts = make_prompts(32, spec.vocab);
  const std::vector<std::vector<int64_t>> single = {prompts[5]};

  beamline::runtime::generate(model, single, options);  // warm-up
  beamline::runtime::generate(model, prompts, options);
  const int single_rounds = quick ? 4 : 16;
  const int batch_rounds = quick ? 1 : 3;
  const double batch1 = tokens_per_second(model, single, options, single_rounds);
  const double batch32 = tokens_per_second(model, prompts, options, batch_rounds);

  std::printf("model LlamaForCausalLM hidden %lld layers %lld heads %lld/%lld vocab %lld, %s, %lld new tokens, %d threads\n",
              static_cast<long long>(spec.hidden), static_cast<long long>(spec.layers),
              static_cast<long long>(spec.heads), static_cast<long long>(spec.kv_heads),
              static_cast<long long>(spec.vocab), loaded->dtype_label().c_str(),
              static_cast<long long>(options.max_new_tokens), torch::get_num_threads());
  std::printf("batch1 tokens_per_s %.1f\n", batch1);
  std::printf("batch32 tokens_per_s %.1f\n", batch32);
  std::printf("ratio batch32_vs_batch1 %.2f\n", batch32 / batch1);
  const auto [none, hooked] = hook_cost(model, prompts[5], options, spec.layers - 1, quick ? 4 : 16);
  std::printf("batch1 tokens_per_s no_hooks %.1f idle_hooks %.1f\n", none, hooked);
  std::printf("ratio idle_hooks_vs_none %.3f\n", hooked / none);
  if (keep.empty()) std::filesystem::remove_all(dir);
  return 0;
}
