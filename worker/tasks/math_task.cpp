// math: a short word problem with one or two steps of addition or
// subtraction; the worked answer shows each step and ends in one number.
#include <fmt/core.h>

#include "worker/tasks/generators.h"
#include "worker/tasks/task_random.h"
#include "worker/tasks/word_lists.h"

namespace beamline::tasks {
namespace {

struct Step {
  std::string sentence;  // "abel gets 5 more apples ."
  std::string working;   // "12 + 5 = 17 ."
  int result = 0;
};

// One step applied to `amount`, keeping the result inside [0, kMaxTaskNumber].
Step make_step(CounterRng& rng, const std::string& person, const std::string& thing, int amount, int max_operand) {
  const bool can_add = amount < kMaxTaskNumber;
  const bool add = amount == 0 || (can_add && rng.uniform_below(2) == 0);
  if (add) {
    const int operand = uniform_int(rng, 1, std::min(max_operand, kMaxTaskNumber - amount));
    const char* verb = rng.uniform_below(2) == 0 ? "gets" : "finds";
    return {fmt::format("{} {} {} more {} .", person, verb, operand, thing),
            fmt::format("{} + {} = {} .", amount, operand, amount + operand), amount + operand};
  }
  const int operand = uniform_int(rng, 1, std::min(max_operand, amount));
  const char* verb = rng.uniform_below(2) == 0 ? "gives away" : "loses";
  return {fmt::format("{} {} {} {} .", person, verb, operand, thing),
          fmt::format("{} - {} = {} .", amount, operand, amount - operand), amount - operand};
}

}  // namespace

TaskExample make_math_example(uint64_t seed, Split split, uint64_t index, const TaskOptions& options) {
  CounterRng rng = example_rng(seed, "math", split, index);
  const std::string& person = pick(rng, person_names());
  const std::string& thing = pick(rng, countable_things());
  const int start = uniform_int(rng, 1, options.max_operand);
  const int step_count = uniform_int(rng, 1, 2);

  std::string problem = fmt::format("problem : {} has {} {} .", person, start, thing);
  std::string working;
  int amount = start;
  for (int i = 0; i < step_count; ++i) {
    const Step step = make_step(rng, person, thing, amount, options.max_operand);
    problem += " " + step.sentence;
    working += (working.empty() ? "" : " ") + step.working;
    amount = step.result;
  }

  TaskExample example;
  example.task = judge::TaskKind::math;
  example.prompt = fmt::format("{} how many {} does {} have now ? answer :", problem, thing, person);
  example.answer = std::to_string(amount);
  example.training.push_back({example.prompt, false});
  example.training.push_back({fmt::format(" {} so the answer is {}", working, amount), true});
  return example;
}

}  // namespace beamline::tasks
