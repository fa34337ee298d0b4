// qa: a context of facts about made-up people, then questions whose answer
// is a span of the context. The evaluation asks only the first question
// (later ones could be answered by elimination); training asks them all.
// With options.qa_closed_book there is no context: the question asks a fact
// of the memorised world (fact_world.h) and the answer is its value.
#include <fmt/core.h>

#include "worker/tasks/fact_world.h"
#include "worker/tasks/generators.h"
#include "worker/tasks/task_random.h"
#include "worker/tasks/word_lists.h"

namespace beamline::tasks {
namespace {

struct Fact {
  std::string statement;  // "abel lives in voss ."
  std::string question;   // "where does abel live ?"
  std::string answer;     // "voss"
};

Fact make_fact(CounterRng& rng, const std::string& person) {
  switch (rng.uniform_below(3)) {
    case 0: {
      const std::string& place = pick(rng, places());
      return {fmt::format("{} lives in {} .", person, place), fmt::format("where does {} live ?", person), place};
    }
    case 1: {
      const std::string& job = pick(rng, jobs());
      return {fmt::format("{} works as a {} .", person, job), fmt::format("what does {} work as ?", person), job};
    }
    default: {
      const std::string thing = pick(rng, colors()) + " " + pick(rng, animals());
      return {fmt::format("{} owns a {} .", person, thing), fmt::format("what does {} own ?", person), thing};
    }
  }
}

TaskExample make_closed_book_example(CounterRng& rng, const TaskOptions& options) {
  const size_t person = rng.uniform_below(person_names().size());
  const size_t attribute = rng.uniform_below(world_attributes().size());
  const WorldAttribute& asked = world_attributes()[attribute];
  TaskExample example;
  example.task = judge::TaskKind::qa;
  example.prompt = fmt::format("question : {} answer :", fmt::format(fmt::runtime(asked.question), person_names()[person]));
  example.answer = asked.values()[world_value(options.world_seed, person, attribute)];
  example.training.push_back({example.prompt, false});
  example.training.push_back({" " + example.answer, true});
  return example;
}

}  // namespace

TaskExample make_qa_example(uint64_t seed, Split split, uint64_t index, const TaskOptions& options) {
  CounterRng rng = example_rng(seed, "qa", split, index);
  if (options.qa_closed_book) return make_closed_book_example(rng, options);
  const int fact_count = uniform_int(rng, options.min_facts, options.max_facts);
  const auto people = distinct_indices(rng, person_names().size(), static_cast<size_t>(fact_count));

  std::vector<Fact> facts;
  std::string context = "context :";
  for (size_t p : people) {
    facts.push_back(make_fact(rng, person_names()[p]));
    context += " " + facts.back().statement;
  }
  // Questions in an order independent of the statement order, so the first
  // question is not always about the first sentence.
  const auto order = distinct_indices(rng, facts.size(), facts.size());

  TaskExample example;
  example.task = judge::TaskKind::qa;
  const Fact& first = facts[order[0]];
  example.prompt = fmt::format("{} question : {} answer :", context, first.question);
  example.answer = first.answer;

  std::string pending = context;
  for (size_t q : order) {
    pending += fmt::format(" question : {} answer :", facts[q].question);
    example.training.push_back({pending, false});
    example.training.push_back({" " + facts[q].answer, true});
    pending = " .";
  }
  example.training.push_back({pending, false});
  return example;
}

}  // namespace beamline::tasks
