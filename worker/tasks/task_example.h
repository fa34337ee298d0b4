#pragma once
// One generated task example: what an evaluation feeds the model and
// expects back, and the text a training step learns from.
#include <cstdint>
#include <string>
#include <vector>

#include "worker/judge/task_kind.h"

namespace beamline::tasks {

// A piece of training text; `supervised` pieces are the answer tokens the
// loss is taken on.
struct TextSegment {
  std::string text;
  bool supervised = false;
};

struct TaskExample {
  judge::TaskKind task = judge::TaskKind::qa;
  std::string prompt;  // ends with "answer :"; the model continues from here
  std::string answer;  // the reference the task judge compares against
  std::vector<std::string> options;  // choice questions only, in letter order
  // choice: per option, the text after the prompt that chooses it (" brown
  // so D"); log-likelihood scoring compares these continuations.
  std::vector<std::string> option_continuations;
  // The training text: for qa it asks every fact of the context in turn
  // (dense supervision), so it is longer than prompt + answer.
  std::vector<TextSegment> training;
};

// Held-out evaluation examples come from a different random stream than
// training ones.
enum class Split { train, eval };

struct TaskOptions {
  // qa: facts per context (every fact is about a different person).
  int min_facts = 2;
  int max_facts = 4;
  // qa closed book: no context; the question asks a fact of the choice
  // world (fact_world.h), which the model memorised in training, so the
  // "held-out" questions are held out only in which facts they sample.
  bool qa_closed_book = false;
  // math: operands are drawn from [0, max_operand]; results stay within
  // [0, kMaxTaskNumber].
  int max_operand = 20;
  // choice: the memorised facts are drawn once from world_seed, so training
  // and evaluation ask about the same world.
  uint64_t world_seed = 1;
};

}  // namespace beamline::tasks
