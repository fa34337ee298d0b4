#include "worker/cli/model_options.h"

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "worker/modelio/run_options.h"

namespace beamline::worker {

void add_model_options(CLI::App* command, ModelOptions& options) {
  command->add_option("--model", options.model_dir, "Model directory (config.json, model.safetensors, tokenizer.json)")
      ->required();
  command->add_option("--dtype", options.dtype, "float32, bfloat16 or float16 (emulated on a CPU)")
      ->capture_default_str();
  command->add_option("--device", options.device, "cpu or cuda:N")->capture_default_str();
}

std::unique_ptr<runtime::LoadedModel> load_model(const ModelOptions& options) {
  runtime::LoadOptions load;
  load.run = modelio::parse_run_options(options.dtype, options.device);
  return runtime::LoadedModel::load(options.model_dir, load);
}

void add_dataset_options(CLI::App* command, DatasetOptions& options) {
  command->add_option("--dataset", options.path, "Dataset JSONL: one {prompt, answer(s), task} per line")->required();
  command->add_option("--limit", options.limit, "Use only the first N inputs (0: all)")->capture_default_str();
  command->add_option("--max-new-tokens", options.max_new_tokens,
                      "Tokens to generate for inputs without their own max_new_tokens")
      ->capture_default_str();
}

std::vector<judge::DatasetInput> load_inputs(const DatasetOptions& options) {
  if (options.limit < 0) throw Error("--limit: expected 0 (all) or a positive number");
  if (options.max_new_tokens < 1) throw Error("--max-new-tokens: expected at least 1");
  judge::Dataset dataset = judge::load_dataset(options.path);
  if (options.limit > 0 && static_cast<size_t>(options.limit) < dataset.inputs.size()) {
    dataset.inputs.resize(static_cast<size_t>(options.limit));
  }
  return dataset.inputs;
}

int64_t max_new_tokens_for(const judge::DatasetInput& input, const DatasetOptions& options) {
  return input.max_new_tokens > 0 ? input.max_new_tokens : options.max_new_tokens;
}

}  // namespace beamline::worker
