#include "worker/training/eval_sets.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "worker/tasks/generators.h"

namespace beamline::training {
namespace {

int64_t word_count(const std::string& text) {
  std::istringstream words(text);
  int64_t count = 0;
  for (std::string word; words >> word;) ++count;
  return count;
}

// Room for what the model is trained to produce after "answer :": the
// supervised text of the asked question (the worked answer for math, the
// span for qa, the letter for choice) and the eos that ends it.
int64_t answer_budget(const tasks::TaskExample& example) {
  if (example.task == judge::TaskKind::qa) return word_count(example.answer) + 1;
  for (const tasks::TextSegment& segment : example.training) {
    if (segment.supervised) return word_count(segment.text) + 1;
  }
  return word_count(example.answer) + 1;
}

}  // namespace

void write_eval_set(const EvalSetSpec& spec, const std::string& path) {
  const std::filesystem::path file(path);
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::ofstream out(path);
  if (!out) throw Error("cannot write " + path);
  const std::string task = judge::to_string(spec.task);
  const std::string split = spec.split == tasks::Split::eval ? "eval" : "train";
  for (int64_t i = 0; i < spec.count; ++i) {
    const tasks::TaskExample example =
        tasks::make_example(spec.task, spec.seed, spec.split, static_cast<uint64_t>(i), spec.task_options);
    nlohmann::json row = {{"id", task + "-" + split + "-" + std::to_string(i)},
                          {"task", task},
                          {"prompt", example.prompt},
                          {"answer", example.answer},
                          {"max_new_tokens", answer_budget(example)}};
    if (!example.options.empty()) row["options"] = example.options;
    if (!example.option_continuations.empty()) row["option_continuations"] = example.option_continuations;
    out << row.dump() << '\n';
  }
  if (!out) throw Error("cannot write " + path);
}

}  // namespace beamline::training
