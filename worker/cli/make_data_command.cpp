#include "worker/cli/make_data_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "common/error.h"
#include "worker/training/eval_sets.h"

namespace beamline::worker {
namespace {

struct MakeDataArgs {
  std::string task;
  std::string split = "eval";
  std::string out;
  training::EvalSetSpec spec;
};

void run_make_data(MakeDataArgs& args) {
  const auto task = judge::parse_task_kind(args.task);
  if (!task || *task == judge::TaskKind::exact) throw Error("--task: expected qa, math or choice, got '" + args.task + "'");
  if (args.split != "eval" && args.split != "train") throw Error("--split: expected eval or train");
  args.spec.task = *task;
  args.spec.split = args.split == "eval" ? tasks::Split::eval : tasks::Split::train;
  training::write_eval_set(args.spec, args.out);
  std::cout << "wrote " << args.spec.count << " " << args.task << " inputs to " << args.out << "\n";
}

}  // namespace

void add_make_data_command(CLI::App& app) {
  auto args = std::make_shared<MakeDataArgs>();
  CLI::App* c = app.add_subcommand("make-data", "Write a task dataset (JSONL) from the seeded generators");
  c->add_option("--task", args->task, "qa, math or choice")->required();
  c->add_option("--split", args->split, "eval (held out) or train")->capture_default_str();
  c->add_option("--count", args->spec.count, "Inputs to write")->capture_default_str();
  c->add_option("--seed", args->spec.seed, "Generator seed (a model's training seed)")->capture_default_str();
  c->add_option("--qa-max-facts", args->spec.task_options.max_facts, "Facts per qa context (most)")
      ->capture_default_str();
  c->add_flag("--qa-closed-book", args->spec.task_options.qa_closed_book,
              "qa without a context: questions about the memorised facts of the choice world");
  c->add_option("--math-max-operand", args->spec.task_options.max_operand, "Largest number a math problem starts from or adds")
      ->capture_default_str()
      ->check(CLI::Range(1, 99));
  c->add_option("--out", args->out, "Output JSONL file")->required();
  c->callback([args] { run_make_data(*args); });
}

}  // namespace beamline::worker
