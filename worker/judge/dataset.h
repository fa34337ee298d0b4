#pragma once
// Task datasets: JSONL, one input per line:
//   {"prompt": "...", "answer": "..." | "answers": ["...", ...],
//    "task": "qa|math|choice|exact", "id": "...", "options": [...],
//    "max_new_tokens": N, "option_continuations": [...]}
// "id" defaults to the 1-based line number; "options" (choice questions)
// sets how many option letters are valid (default 4); "max_new_tokens"
// bounds the generation for this input (default: the command's option);
// "option_continuations" (choice) gives, per option, the text after the
// prompt whose log-likelihood scores that option (default " A", " B", ...).
// Blank lines are skipped. Errors name the file, line and field.
#include <cstdint>
#include <string>
#include <vector>

#include "worker/judge/task_kind.h"

namespace beamline::judge {

struct DatasetInput {
  int line = 0;  // 1-based line in the file, for messages
  std::string id;
  std::string prompt;
  std::vector<std::string> answers;
  TaskKind task = TaskKind::exact;
  int option_count = 4;
  std::vector<std::string> option_continuations;  // empty: the letters
  int64_t max_new_tokens = 0;  // 0: not given
};

struct Dataset {
  std::string path;
  std::vector<DatasetInput> inputs;
};

// Throws beamline::Error ("FILE:LINE: field 'F': expected ...").
Dataset load_dataset(const std::string& path);

}  // namespace beamline::judge
