// beamline eval: fault-free accuracy of a model on a dataset, per task, with
// the project's judges. Ends with a line "accuracy X".
#include "worker/cli/eval_command.h"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <memory>

#include "worker/cli/model_options.h"
#include "worker/judge/judges.h"

namespace beamline::worker {
namespace {

constexpr size_t kEvalBatch = 16;

struct EvalArgs {
  ModelOptions model;
  DatasetOptions dataset;
  bool show = false;
};

struct Tally {
  int64_t correct = 0;
  int64_t total = 0;
};

void run_eval(const EvalArgs& args) {
  const auto inputs = load_inputs(args.dataset);
  const auto model = load_model(args.model);
  std::map<std::string, Tally> by_task;
  Tally all;
  for (size_t begin = 0; begin < inputs.size(); begin += kEvalBatch) {
    const size_t end = std::min(inputs.size(), begin + kEvalBatch);
    std::vector<std::vector<int64_t>> prompts;
    runtime::GenerateOptions options;
    options.max_new_tokens = 0;
    for (size_t i = begin; i < end; ++i) {
      prompts.push_back(model->encode(inputs[i].prompt));
      options.max_new_tokens = std::max(options.max_new_tokens, max_new_tokens_for(inputs[i], args.dataset));
    }
    const runtime::GenerateResult result = runtime::generate(model->model(), prompts, options);
    for (size_t i = begin; i < end; ++i) {
      const auto& input = inputs[i];
      std::vector<int64_t> tokens = result.tokens[i - begin];
      // Greedy decoding is prefix-consistent: a shorter budget is a prefix.
      tokens.resize(std::min<size_t>(tokens.size(), static_cast<size_t>(max_new_tokens_for(input, args.dataset))));
      const std::string text = model->decode(tokens, /*skip_special_tokens=*/true);
      const bool correct = judge::is_correct(input.task, text, input.answers, input.option_count);
      if (args.show) fmt::print("{} {} {}: {}\n", input.id, judge::to_string(input.task), correct ? "ok" : "WRONG", text);
      Tally& t = by_task[judge::to_string(input.task)];
      t.correct += correct;
      t.total += 1;
      all.correct += correct;
      all.total += 1;
    }
    fmt::print(stderr, "eval: {}/{} inputs\r", end, inputs.size());
  }
  fmt::print(stderr, "\n");
  for (const auto& [task, t] : by_task) {
    fmt::print("{} {:.4f} ({}/{})\n", task, static_cast<double>(t.correct) / static_cast<double>(t.total), t.correct,
               t.total);
  }
  fmt::print("accuracy {:.4f}\n", static_cast<double>(all.correct) / static_cast<double>(all.total));
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* command = app.add_subcommand("eval", "Fault-free accuracy of a model on a dataset, per task");
  add_model_options(command, args->model);
  add_dataset_options(command, args->dataset);
  command->add_flag("--show", args->show, "Print every input's output and verdict");
  command->callback([args] { run_eval(*args); });
}

}  // namespace beamline::worker
