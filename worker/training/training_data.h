#pragma once
// The stream of training sequences: task examples (tasks/generators.h, split
// train) tokenized with the task tokenizer, each with the positions whose
// next-token loss counts (the supervised segments and the eos after the
// example). Example k of a run is a pure function of (seed, k, step), so a
// run is reproducible from its seed alone.
#include <cstdint>
#include <string>
#include <vector>

#include "worker/tasks/task_example.h"
#include "worker/tokenizer/tokenizer.h"

namespace beamline::training {

enum class TrainTask { qa, math, choice, mix };

// Throws beamline::Error for anything but qa, math, choice or mix.
TrainTask parse_train_task(const std::string& text);
std::string to_string(TrainTask task);

// What share of the examples each kind gets (normalised when drawn).
// `choice_facts` are the statements that teach the choice world's facts;
// `option_lookup` questions teach naming the letter of a given value.
struct TaskWeights {
  double qa = 0;
  double math = 0;
  double choice = 0;
  double choice_facts = 0;
  double option_lookup = 0;  // "... which brown D" (tasks::make_option_lookup_example)
};
// The defaults per --task: mix spends most on qa (retrieval is the slowest
// skill to appear), choice pairs questions with the fact statements.
TaskWeights default_task_weights(TrainTask task);

struct DataOptions {
  TrainTask task = TrainTask::mix;
  TaskWeights weights;
  uint64_t seed = 1;                // the task generators' seed (split train)
  tasks::TaskOptions task_options;  // the evaluation's settings (qa facts, ...)
  // qa curriculum: over the first `qa_curriculum_steps` steps the number of
  // facts per context grows from 1 to task_options.max_facts; 0 disables it.
  int64_t qa_curriculum_steps = 0;
  // Share of option lookups written without the choice question's text in
  // front, so the options also sit at the start of a sequence.
  double bare_lookup_share = 0;
  // Lookups per option lookup sequence, drawn with replacement; 0 asks each
  // option once (the last ones can then be had by elimination).
  int lookup_queries = 0;
  // Lookup curriculum: over the first `lookup_curriculum_steps` steps, this
  // share of the sequences are option lookups whatever the task weights
  // say, so the copy the choice answer needs forms early.
  int64_t lookup_curriculum_steps = 0;
  double lookup_curriculum_share = 0.5;
};

struct TokenSequence {
  std::string kind;  // qa, math, choice, fact or lookup: progress reports loss per kind
  std::vector<int64_t> ids;
  // loss_on[i]: the loss counts the prediction of ids[i] (from ids[< i]).
  std::vector<uint8_t> loss_on;
};

class TrainingStream {
 public:
  TrainingStream(DataOptions options, tokenizer::Tokenizer tokenizer);

  // Example number `k` of the run, drawn at optimisation step `step` (the
  // curriculum depends on it).
  TokenSequence example(uint64_t k, int64_t step) const;

  // Tokens of one task example's training text, with eos appended.
  TokenSequence tokenize(const tasks::TaskExample& example) const;

  const DataOptions& options() const { return options_; }

 private:
  tasks::TaskOptions qa_options_at(int64_t step) const;

  DataOptions options_;
  tokenizer::Tokenizer tokenizer_;
  std::vector<tasks::TaskExample> facts_;
};

}  // namespace beamline::training
