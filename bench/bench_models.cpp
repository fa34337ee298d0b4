#include "bench/bench_models.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "tests/worker/runtime/tiny_models.h"

namespace beamline::bench {
namespace {

int64_t count_parameters(const runtime::LoadedModel& model) {
  int64_t n = 0;
  for (const auto& w : model.model().weights()) n += w.tensor.numel();
  return n;
}

std::unique_ptr<runtime::LoadedModel> load(const std::string& dir) {
  runtime::LoadOptions options;
  return runtime::LoadedModel::load(dir, options);
}

}  // namespace

std::string write_random_llama(const std::string& dir) {
  runtime::testing::TinySpec spec;
  spec.vocab_size = 8192;
  spec.hidden_size = 512;
  spec.intermediate_size = 1376;
  spec.num_layers = 12;
  spec.num_heads = 8;
  spec.num_kv_heads = 8;
  spec.max_position_embeddings = 256;
  spec.eos_token_id = 8191;  // rarely picked: generations run to their budget
  spec.weight_std = 0.06;
  spec.seed = 50;
  runtime::testing::write_tiny_model(dir, spec);
  return dir;
}

std::vector<BenchModel> load_bench_models(const BenchModelOptions& options) {
  std::vector<BenchModel> models;
  for (const char* name : {"tiny-llama", "tiny-opt"}) {
    const std::string dir = options.source_dir + "/models/" + name;
    if (!std::filesystem::exists(dir + "/config.json")) continue;
    BenchModel m;
    m.name = name;
    m.model = load(dir);
    for (const char* task : {"qa", "math", "choice"}) {
      const judge::Dataset data = judge::load_dataset(options.source_dir + "/data/" + task + "_eval.jsonl");
      for (int i = 0; i < options.inputs_per_task && i < static_cast<int>(data.inputs.size()); ++i) {
        judge::DatasetInput input = data.inputs[static_cast<size_t>(i)];
        if (input.max_new_tokens <= 0) input.max_new_tokens = 12;
        m.inputs.push_back(input);
      }
    }
    m.parameters = count_parameters(*m.model);
    models.push_back(std::move(m));
  }
  if (options.include_random) {
    BenchModel m;
    m.name = "random-llama-50m";
    m.model = load(write_random_llama(options.scratch_dir + "/random-llama-50m"));
    for (int i = 0; i < options.random_inputs; ++i) {
      judge::DatasetInput input;
      for (int k = 0; k < 32; ++k) input.prompt += (k ? " w" : "w") + std::to_string(3 + (i * 977 + k * 131) % 8000);
      input.answers = {"w3"};
      input.task = judge::TaskKind::exact;
      input.max_new_tokens = options.random_new_tokens;
      m.inputs.push_back(input);
    }
    m.parameters = count_parameters(*m.model);
    models.push_back(std::move(m));
  }
  return models;
}

BenchArgs parse_bench_args(int argc, char** argv, const char* description) {
  BenchArgs args;
#ifdef BEAMLINE_SOURCE_DIR
  args.source_dir = BEAMLINE_SOURCE_DIR;
#endif
  CLI::App app(description);
  app.add_flag("--quick", args.quick, "Shortened run (all benchmarks within a minute)");
  app.add_option("--root", args.source_dir, "The repository (models/, data/, examples/)")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  app.add_option("--without", args.without, "An engine shortcut to turn off (engine_bench, for an A/B)")
      ->check(CLI::IsMember({"early_exit", "prefill_resume", "prefill_chunks", "skip_clean_blocks"}));
  app.add_option("--batch", args.batch, "Rows per engine batch instead of the automatic width (engine_bench)")
      ->check(CLI::Range(int64_t{2}, int64_t{1024}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  return args;
}

}  // namespace beamline::bench
