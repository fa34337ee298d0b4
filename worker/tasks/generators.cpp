#include "worker/tasks/generators.h"

#include "common/error.h"

namespace beamline::tasks {

TaskExample make_example(judge::TaskKind task, uint64_t seed, Split split, uint64_t index,
                         const TaskOptions& options) {
  switch (task) {
    case judge::TaskKind::qa: return make_qa_example(seed, split, index, options);
    case judge::TaskKind::math: return make_math_example(seed, split, index, options);
    case judge::TaskKind::choice: return make_choice_example(seed, split, index, options);
    case judge::TaskKind::exact: break;
  }
  throw Error("task 'exact' has no generator: expected qa, math or choice");
}

std::string training_text(const TaskExample& example) {
  std::string text;
  for (const auto& segment : example.training) text += segment.text;
  return text;
}

}  // namespace beamline::tasks
