// choice: four-option questions about a fixed world of facts that the model
// memorises in training (closed book, like MMLU). The world is drawn once
// from options.world_seed; examples differ in which fact is asked and in the
// distractors and their order.
//
// The model answers with the recalled value, then the letter: "answer :
// brown D". Naming the letter straight after the prompt needs recall and
// option matching composed inside one position, which a 4-layer model did
// not learn in any 45-minute recipe tried (models/*/TRAINING.md). With the
// value written out, the letter is read off the option whose value matches
// the token just written. Each option is one token, letter and value fused
// ("D:brown", word_lists.h): with the letter in a token of its own, the
// read-off needs a previous-token step first (an induction copy), which
// the Llama family did not learn in the budget; fused, one attention step
// matches and reads. The judge reads the letter; log-likelihood scoring
// scores each option's whole continuation (option_continuations).
#include <fmt/core.h>

#include "worker/tasks/fact_world.h"
#include "worker/tasks/generators.h"
#include "worker/tasks/task_random.h"
#include "worker/tasks/word_lists.h"

namespace beamline::tasks {
namespace {

constexpr int kOptionCount = 4;

char letter_of(size_t slot) { return static_cast<char>('A' + slot); }

std::string listed_options(const std::vector<std::string>& options) {
  std::string listed;
  for (size_t slot = 0; slot < options.size(); ++slot) {
    listed += " " + option_token(letter_of(slot), options[slot]);
  }
  return listed;
}

// What the model is trained to write after "answer :" for the option in
// `slot`: " brown D".
std::string reasoned_answer(const std::vector<std::string>& options, size_t slot) {
  return fmt::format(" {} {}", options[slot], letter_of(slot));
}

}  // namespace

TaskExample make_choice_example(uint64_t seed, Split split, uint64_t index, const TaskOptions& options) {
  CounterRng rng = example_rng(seed, "choice", split, index);
  const size_t person = rng.uniform_below(person_names().size());
  const size_t attribute = rng.uniform_below(world_attributes().size());
  const auto& values = world_attributes()[attribute].values();
  const size_t truth = world_value(options.world_seed, person, attribute);

  // Three distractors distinct from the truth, then the truth at a random slot.
  std::vector<size_t> others;
  for (size_t v : distinct_indices(rng, values.size(), values.size())) {
    if (v != truth && others.size() < kOptionCount - 1) others.push_back(v);
  }
  const size_t truth_slot = rng.uniform_below(kOptionCount);
  others.insert(others.begin() + static_cast<std::ptrdiff_t>(truth_slot), truth);

  TaskExample example;
  example.task = judge::TaskKind::choice;
  for (const size_t v : others) example.options.push_back(values[v]);
  example.prompt = fmt::format("question : what is {} {} ? options :{} . answer :",
                               world_attributes()[attribute].phrase, person_names()[person],
                               listed_options(example.options));
  example.answer = std::string(1, letter_of(truth_slot));
  for (size_t slot = 0; slot < example.options.size(); ++slot) {
    example.option_continuations.push_back(reasoned_answer(example.options, slot));
  }
  example.training.push_back({example.prompt, false});
  example.training.push_back({example.option_continuations[truth_slot], true});
  return example;
}

TaskExample make_option_lookup_example(uint64_t seed, uint64_t index, bool with_question, int queries) {
  CounterRng rng = example_rng(seed, "option-lookup", Split::train, index);
  const size_t person = rng.uniform_below(person_names().size());
  const size_t attribute = rng.uniform_below(world_attributes().size());
  const auto& values = world_attributes()[attribute].values();
  TaskExample example;
  example.task = judge::TaskKind::choice;
  for (const size_t v : distinct_indices(rng, values.size(), kOptionCount)) example.options.push_back(values[v]);
  // A choice question's text up to its options, so the options sit where
  // a choice question puts them (learned positions make that matter).
  example.prompt = fmt::format("options :{} .", listed_options(example.options));
  if (with_question) {
    example.prompt = fmt::format("question : what is {} {} ? {}", world_attributes()[attribute].phrase,
                                 person_names()[person], example.prompt);
  }
  example.training.push_back({example.prompt, false});
  // Dense supervision: every option is looked up once, in a random order;
  // only the letters are learned (the values are given).
  // Bare lookups use a choice answer's own cue ("answer : brown D"); behind
  // a question, where "answer :" must give the recalled value, "which".
  const std::string cue = with_question ? " which " : " answer : ";
  std::vector<size_t> asked = distinct_indices(rng, example.options.size(), example.options.size());
  if (queries > 0) {
    asked.clear();
    for (int q = 0; q < queries; ++q) asked.push_back(rng.uniform_below(example.options.size()));
  }
  for (const size_t slot : asked) {
    if (example.answer.empty()) example.answer = std::string(1, letter_of(slot));
    example.training.push_back({cue + example.options[slot], false});
    example.training.push_back({fmt::format(" {} .", letter_of(slot)), true});
  }
  return example;
}

std::vector<TaskExample> choice_fact_statements(const TaskOptions& options) {
  std::vector<TaskExample> statements;
  for (size_t person = 0; person < person_names().size(); ++person) {
    for (size_t attribute = 0; attribute < world_attributes().size(); ++attribute) {
      const auto& value = world_attributes()[attribute].values()[world_value(options.world_seed, person, attribute)];
      TaskExample fact;
      fact.task = judge::TaskKind::choice;
      fact.prompt = fmt::format("fact : {} {} is", world_attributes()[attribute].phrase, person_names()[person]);
      fact.answer = value;
      fact.training.push_back({fact.prompt, false});
      fact.training.push_back({" " + value + " .", true});
      statements.push_back(std::move(fact));
    }
  }
  return statements;
}

}  // namespace beamline::tasks
