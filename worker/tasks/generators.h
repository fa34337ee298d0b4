#pragma once
// Seeded task generators mirroring the studies' tasks: qa (SQuAD-like span
// answers from a short context about made-up people), math (GSM8K-like word
// problems with a worked answer ending in one number) and choice (MMLU-like
// four-option questions about facts memorised in training). Each example is
// a pure function of (seed, task, split, index).
#include <cstdint>
#include <string>

#include "worker/tasks/task_example.h"

namespace beamline::tasks {

TaskExample make_qa_example(uint64_t seed, Split split, uint64_t index, const TaskOptions& options);
TaskExample make_math_example(uint64_t seed, Split split, uint64_t index, const TaskOptions& options);
TaskExample make_choice_example(uint64_t seed, Split split, uint64_t index, const TaskOptions& options);

// Dispatches on task (qa, math or choice; exact has no generator).
TaskExample make_example(judge::TaskKind task, uint64_t seed, Split split, uint64_t index,
                         const TaskOptions& options);

// A training-only helper for choice: a choice question's text up to its
// options, then every option looked up once ("... D brown . which brown D .
// which red A . ..."). It teaches the second half of a choice answer (find
// the option equal to the value just written, name its letter) apart from
// recalling the value, which the fact statements and closed-book questions
// teach. `answer` is the first lookup's letter. Without `with_question`
// the sequence starts with the options ("options : A:red ... .").
// `queries` > 0 asks that many lookups drawn with replacement instead of
// each option once, so the letters cannot be had by elimination.
TaskExample make_option_lookup_example(uint64_t seed, uint64_t index, bool with_question = true, int queries = 0);

// The statements that teach the choice world's facts ("fact : the job of
// abel is baker ."), one per fact, all supervised.
std::vector<TaskExample> choice_fact_statements(const TaskOptions& options);

// Concatenated training text of an example (prompt-like and answer pieces).
std::string training_text(const TaskExample& example);

}  // namespace beamline::tasks
