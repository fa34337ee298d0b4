#pragma once
// The models the engine and protection benchmarks run: the bundled tiny
// models with a few inputs of each task, and a ~50M-parameter random Llama
// written at bench time (WordLevel tokenizer, random prompts over its
// vocabulary) so the numbers also say something about a model whose
// matmuls, not dispatch overhead, dominate.
#include <memory>
#include <string>
#include <vector>

#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::bench {

struct BenchModel {
  std::string name;
  std::unique_ptr<runtime::LoadedModel> model;
  std::vector<judge::DatasetInput> inputs;  // each with its max_new_tokens set
  int64_t parameters = 0;
};

struct BenchModelOptions {
  std::string source_dir;        // the repository (models/, data/)
  std::string scratch_dir;       // where the random model is written
  int inputs_per_task = 1;       // bundled models: inputs of each of qa, math, choice
  int random_inputs = 2;         // random model: prompts
  int64_t random_new_tokens = 12;
  bool include_random = true;
};

std::vector<BenchModel> load_bench_models(const BenchModelOptions& options);

// Parameters of the random model: hidden 512, 12 layers, SwiGLU 1376,
// vocab 8192, untied head: about 46M.
std::string write_random_llama(const std::string& dir);

// Shared by the benchmarks' command lines.
struct BenchArgs {
  bool quick = false;
  std::string source_dir;
  // engine_bench: engine shortcuts turned off, for an A/B of one (names as
  // in EngineOptions: early_exit, prefill_resume, prefill_chunks,
  // skip_clean_blocks).
  std::vector<std::string> without;
  int64_t batch = 0;  // engine_bench: rows per batch; 0 the automatic width
};
// --quick, --root REPO (default: the source tree it was built from),
// --without SHORTCUT (repeatable) and --batch N;
// exits with CLI11's message and code on bad arguments or --help.
BenchArgs parse_bench_args(int argc, char** argv, const char* description);

}  // namespace beamline::bench
