#pragma once
// Held-out evaluation sets as JSONL in the trial engine's dataset format
// (judge/dataset.h): one task example per line (split eval by default), with
// max_new_tokens chosen so the reference answer and the eos fit.
#include <cstdint>
#include <string>

#include "worker/judge/task_kind.h"
#include "worker/tasks/task_example.h"

namespace beamline::training {

struct EvalSetSpec {
  judge::TaskKind task = judge::TaskKind::qa;
  tasks::Split split = tasks::Split::eval;
  uint64_t seed = 1;
  int64_t count = 200;
  tasks::TaskOptions task_options;
};

// Writes the file (creating its folder); throws beamline::Error naming the
// path when it cannot.
void write_eval_set(const EvalSetSpec& spec, const std::string& path);

}  // namespace beamline::training
