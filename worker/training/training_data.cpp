#include "worker/training/training_data.h"

#include <algorithm>

#include "common/error.h"
#include "common/rng.h"
#include "worker/tasks/generators.h"
#include "worker/training/task_tokenizer.h"

namespace beamline::training {

TrainTask parse_train_task(const std::string& text) {
  if (text == "qa") return TrainTask::qa;
  if (text == "math") return TrainTask::math;
  if (text == "choice") return TrainTask::choice;
  if (text == "mix") return TrainTask::mix;
  throw Error("--task: expected qa, math, choice or mix, got '" + text + "'");
}

std::string to_string(TrainTask task) {
  switch (task) {
    case TrainTask::qa: return "qa";
    case TrainTask::math: return "math";
    case TrainTask::choice: return "choice";
    case TrainTask::mix: break;
  }
  return "mix";
}

TaskWeights default_task_weights(TrainTask task) {
  switch (task) {
    case TrainTask::qa: return {1, 0, 0, 0};
    case TrainTask::math: return {0, 1, 0, 0};
    case TrainTask::choice: return {0, 0, 0.6, 0.4};
    case TrainTask::mix: break;
  }
  return {0.45, 0.2, 0.2, 0.15};
}

TrainingStream::TrainingStream(DataOptions options, tokenizer::Tokenizer tokenizer)
    : options_(std::move(options)), tokenizer_(std::move(tokenizer)) {
  const TaskWeights& w = options_.weights;
  if (w.qa < 0 || w.math < 0 || w.choice < 0 || w.choice_facts < 0 || w.option_lookup < 0 ||
      w.qa + w.math + w.choice + w.choice_facts + w.option_lookup <= 0) {
    throw Error("task weights must be non-negative with a positive sum");
  }
  if (!(options_.lookup_curriculum_share >= 0 && options_.lookup_curriculum_share <= 1)) {
    throw Error("--lookup-curriculum-share: expected a share between 0 and 1");
  }
  if (!(options_.bare_lookup_share >= 0 && options_.bare_lookup_share <= 1)) {
    throw Error("--bare-lookup-share: expected a share between 0 and 1");
  }
  if (w.choice_facts > 0) facts_ = tasks::choice_fact_statements(options_.task_options);
}

tasks::TaskOptions TrainingStream::qa_options_at(int64_t step) const {
  tasks::TaskOptions qa = options_.task_options;
  if (options_.qa_curriculum_steps <= 0 || step >= options_.qa_curriculum_steps) return qa;
  // Contexts with one fact teach the format and copying; more facts make
  // the model find the right one, which is the skill that appears last.
  const double progress = static_cast<double>(step) / static_cast<double>(options_.qa_curriculum_steps);
  const int most = 1 + static_cast<int>(progress * static_cast<double>(qa.max_facts));
  qa.max_facts = std::clamp(most, 1, qa.max_facts);
  qa.min_facts = 1;
  return qa;
}

TokenSequence TrainingStream::example(uint64_t k, int64_t step) const {
  const TaskWeights& w = options_.weights;
  CounterRng rng(options_.seed, "training/task-draw", k);
  double draw = rng.next_double() * (w.qa + w.math + w.choice + w.choice_facts + w.option_lookup);
  const uint64_t seed = options_.seed;
  using tasks::Split;
  const auto labelled = [](TokenSequence sequence, const char* kind) {
    sequence.kind = kind;
    return sequence;
  };
  const auto lookup = [&] {
    const bool bare = CounterRng(seed, "training/lookup-bare", k).next_double() < options_.bare_lookup_share;
    return labelled(tokenize(tasks::make_option_lookup_example(seed, k, !bare, options_.lookup_queries)), "lookup");
  };
  if (step < options_.lookup_curriculum_steps &&
      CounterRng(seed, "training/lookup-curriculum", k).next_double() < options_.lookup_curriculum_share) {
    return lookup();
  }
  if ((draw -= w.qa) < 0) {
    return labelled(tokenize(tasks::make_qa_example(seed, Split::train, k, qa_options_at(step))), "qa");
  }
  if ((draw -= w.math) < 0) {
    return labelled(tokenize(tasks::make_math_example(seed, Split::train, k, options_.task_options)), "math");
  }
  if ((draw -= w.option_lookup) < 0) return lookup();
  if ((draw -= w.choice) < 0 || facts_.empty()) {
    return labelled(tokenize(tasks::make_choice_example(seed, Split::train, k, options_.task_options)), "choice");
  }
  return labelled(tokenize(facts_[rng.uniform_below(facts_.size())]), "fact");
}

TokenSequence TrainingStream::tokenize(const tasks::TaskExample& example) const {
  TokenSequence sequence;
  for (const tasks::TextSegment& segment : example.training) {
    for (const int32_t id : tokenizer_.encode(segment.text, false)) {
      if (id == SpecialTokens::unk) throw Error("task text has a word outside the vocabulary: " + segment.text);
      sequence.ids.push_back(id);
      sequence.loss_on.push_back(segment.supervised ? 1 : 0);
    }
  }
  // The model must learn to stop: eos after the example is always learned.
  sequence.ids.push_back(SpecialTokens::eos);
  sequence.loss_on.push_back(1);
  // The first token has nothing before it to be predicted from.
  if (!sequence.loss_on.empty()) sequence.loss_on.front() = 0;
  return sequence;
}

}  // namespace beamline::training
