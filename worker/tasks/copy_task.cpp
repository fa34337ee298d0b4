// copy: a training-only exercise, "copy : w1 ... wk . copy : w1 ... wk ."
// over words the choice options use (values and letters). Every word of
// the second copy is supervised, and each is predicted by finding the
// token just written earlier in the sequence and taking the one after it:
// the induction copy a choice answer's letter needs ("brown D"), with a
// dozen supervised tokens a sequence instead of four.
#include <fmt/core.h>

#include "worker/tasks/fact_world.h"
#include "worker/tasks/generators.h"
#include "worker/tasks/task_random.h"

namespace beamline::tasks {
namespace {

constexpr int kShortestCopy = 6;
constexpr int kLongestCopy = 12;

std::vector<std::string> copy_words() {
  std::vector<std::string> words = {"A", "B", "C", "D"};
  for (const WorldAttribute& attribute : world_attributes()) {
    for (const std::string& value : attribute.values()) words.push_back(value);
  }
  return words;
}

}  // namespace

TaskExample make_copy_example(uint64_t seed, uint64_t index) {
  static const std::vector<std::string> words = copy_words();
  CounterRng rng = example_rng(seed, "copy", Split::train, index);
  const int length = uniform_int(rng, kShortestCopy, kLongestCopy);
  std::string sequence;
  // Distinct words: each has one earlier occurrence to copy from.
  for (const size_t w : distinct_indices(rng, words.size(), static_cast<size_t>(length))) {
    sequence += " " + words[w];
  }
  TaskExample example;
  example.task = judge::TaskKind::exact;
  example.prompt = "copy :" + sequence + " . copy :";
  example.answer = sequence.substr(1);
  example.training.push_back({example.prompt, false});
  example.training.push_back({sequence + " .", true});
  return example;
}

}  // namespace beamline::tasks
