// choice: four-option questions about a fixed world of facts that the model
// memorises in training (closed book, like MMLU). The world is drawn once
// from options.world_seed; examples differ in which fact is asked and in the
// distractors and their order.
#include <fmt/core.h>

#include <array>

#include "worker/tasks/generators.h"
#include "worker/tasks/task_random.h"
#include "worker/tasks/word_lists.h"

namespace beamline::tasks {
namespace {

constexpr int kOptionCount = 4;

struct Attribute {
  const char* phrase;  // "the job of"
  const std::vector<std::string>& (*values)();
};

const std::array<Attribute, 4>& attributes() {
  static const std::array<Attribute, 4> list = {{{"the job of", jobs},
                                                 {"the home of", places},
                                                 {"the favorite color of", colors},
                                                 {"the favorite animal of", animals}}};
  return list;
}

// value index of (person, attribute) in the world drawn from world_seed.
size_t world_value(uint64_t world_seed, size_t person, size_t attribute) {
  CounterRng rng(world_seed, "tasks/choice/world", person * attributes().size() + attribute);
  return rng.uniform_below(attributes()[attribute].values().size());
}

}  // namespace

TaskExample make_choice_example(uint64_t seed, Split split, uint64_t index, const TaskOptions& options) {
  CounterRng rng = example_rng(seed, "choice", split, index);
  const size_t person = rng.uniform_below(person_names().size());
  const size_t attribute = rng.uniform_below(attributes().size());
  const auto& values = attributes()[attribute].values();
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
  std::string listed;
  for (size_t slot = 0; slot < others.size(); ++slot) {
    example.options.push_back(values[others[slot]]);
    listed += fmt::format(" {} ) {}", static_cast<char>('A' + slot), values[others[slot]]);
  }
  example.prompt = fmt::format("question : what is {} {} ? options :{} . answer :",
                               attributes()[attribute].phrase, person_names()[person], listed);
  example.answer = std::string(1, static_cast<char>('A' + truth_slot));
  example.training.push_back({example.prompt, false});
  example.training.push_back({" " + example.answer, true});
  return example;
}

std::vector<TaskExample> choice_fact_statements(const TaskOptions& options) {
  std::vector<TaskExample> statements;
  for (size_t person = 0; person < person_names().size(); ++person) {
    for (size_t attribute = 0; attribute < attributes().size(); ++attribute) {
      const auto& value = attributes()[attribute].values()[world_value(options.world_seed, person, attribute)];
      TaskExample fact;
      fact.task = judge::TaskKind::choice;
      fact.prompt = fmt::format("fact : {} {} is", attributes()[attribute].phrase, person_names()[person]);
      fact.answer = value;
      fact.training.push_back({fact.prompt, false});
      fact.training.push_back({" " + value + " .", true});
      statements.push_back(std::move(fact));
    }
  }
  return statements;
}

}  // namespace beamline::tasks
