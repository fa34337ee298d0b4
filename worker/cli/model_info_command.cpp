#include "worker/cli/model_info_command.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "worker/modelio/components.h"
#include "worker/modelio/run_options.h"
#include "worker/protection/critical_layers.h"
#include "worker/runtime/layer_kind.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::worker {
namespace {

struct ModelInfoArgs {
  std::string model_dir;
  std::string dtype = "float32";
  std::string device = "cpu";
};

void print_sizes(const modelio::ModelConfig& c) {
  fmt::print("vocab_size: {}\n", c.vocab_size);
  fmt::print("hidden_size: {}\n", c.hidden_size);
  fmt::print("intermediate_size: {}\n", c.intermediate_size);
  fmt::print("num_hidden_layers: {}\n", c.num_hidden_layers);
  fmt::print("num_attention_heads: {}\n", c.num_attention_heads);
  fmt::print("num_key_value_heads: {}\n", c.num_key_value_heads);
  fmt::print("head_dim: {}\n", c.head_dim);
  fmt::print("max_position_embeddings: {}\n", c.max_position_embeddings);
  fmt::print("hidden_act: {}\n", c.hidden_act);
  fmt::print("tie_word_embeddings: {}\n", c.tie_word_embeddings);
  if (c.family == modelio::ArchitectureFamily::llama) {
    fmt::print("rope_theta: {}\n", c.rope_theta);
    fmt::print("sliding_window: {}\n", c.sliding_window ? std::to_string(*c.sliding_window) : "none");
  } else {
    fmt::print("word_embed_proj_dim: {}\n", c.word_embed_proj_dim);
    fmt::print("do_layer_norm_before: {}\n", c.do_layer_norm_before);
  }
}

void run_model_info(const ModelInfoArgs& args) {
  runtime::LoadOptions load;
  load.run = modelio::parse_run_options(args.dtype, args.device);
  load.load_tokenizer = false;
  const auto model = runtime::LoadedModel::load(args.model_dir, load);
  const modelio::ModelConfig& config = model->config();

  fmt::print("architecture: {}\n", config.architecture);
  fmt::print("family: {}\n", modelio::to_string(config.family));
  fmt::print("dtype: {}\n", model->dtype_label());
  fmt::print("device: {}\n", args.device);
  print_sizes(config);

  std::map<modelio::Component, int64_t> counts;
  int64_t total = 0;
  for (const auto& weight : model->model().weights()) {
    counts[weight.component] += weight.tensor.numel();
    total += weight.tensor.numel();
  }
  fmt::print("parameters:\n");
  for (modelio::Component component : modelio::all_components()) {
    const bool tied = component == modelio::Component::lm_head && counts[component] == 0;
    fmt::print("  {:<13} {}{}\n", modelio::to_string(component), counts[component],
               tied ? " (tied to the embedding)" : "");
  }
  fmt::print("  {:<13} {}\n", "total", total);

  const std::vector<runtime::LayerKind>& kinds = runtime::block_layer_kinds(config.family);
  std::vector<std::string> names;
  for (runtime::LayerKind kind : kinds) names.push_back(runtime::to_string(kind));
  const std::vector<runtime::HookPoint> points = model->model().hook_points();
  fmt::print("hook points: {} ({} blocks x {} layers: {})\n", points.size(), config.num_hidden_layers, kinds.size(),
             fmt::join(names, " "));
  for (int64_t block = 0; block < config.num_hidden_layers; ++block) {
    std::vector<std::string> block_points;
    for (runtime::LayerKind kind : kinds) block_points.push_back(runtime::to_string(runtime::HookPoint{block, kind}));
    fmt::print("  {}\n", fmt::join(block_points, " "));
  }
  std::vector<std::string> critical;
  for (runtime::LayerKind kind : protection::critical_layer_kinds(config.family)) {
    critical.push_back(runtime::to_string(kind));
  }
  fmt::print("critical layers (FT2 heuristic): {}\n", fmt::join(critical, " "));
}

}  // namespace

void add_model_info_command(CLI::App& app) {
  auto args = std::make_shared<ModelInfoArgs>();
  CLI::App* command = app.add_subcommand(
      "model-info", "Print a model directory's architecture, sizes, parameters per component, hook points and critical layers.");
  command->add_option("model_dir", args->model_dir, "Model directory")->required();
  command->add_option("--dtype", args->dtype, "float32, bfloat16 or float16")->capture_default_str();
  command->add_option("--device", args->device, "cpu or cuda:N")->capture_default_str();
  command->callback([args] { run_model_info(*args); });
}

}  // namespace beamline::worker
