#pragma once
// The options every model-running subcommand shares (--model, --dtype,
// --device) and the dataset selection ones (--dataset, --limit).
#include <memory>
#include <string>
#include <vector>

#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"

namespace CLI {
class App;
}

namespace beamline::worker {

struct ModelOptions {
  std::string model_dir;
  std::string dtype = "float32";
  std::string device = "cpu";
};

void add_model_options(CLI::App* command, ModelOptions& options);
std::unique_ptr<runtime::LoadedModel> load_model(const ModelOptions& options);

struct DatasetOptions {
  std::string path;
  int64_t limit = 0;  // 0: every input
  int64_t max_new_tokens = 32;
};

void add_dataset_options(CLI::App* command, DatasetOptions& options);
// The first `limit` inputs of the dataset (all when limit is 0).
std::vector<judge::DatasetInput> load_inputs(const DatasetOptions& options);
// The input's own max_new_tokens when it has one, else the option's.
int64_t max_new_tokens_for(const judge::DatasetInput& input, const DatasetOptions& options);

}  // namespace beamline::worker
