#pragma once
// Task datasets: JSONL, one input per line:
//   {"prompt": "...", "answer": "..." | "answers": ["...", ...],
//    "task": "qa|math|choice|exact", "id": "...", "options": [...]}
// "id" defaults to the 1-based line number; "options" (choice questions)
// sets how many option letters are valid (default 4). Blank lines are
// skipped. Errors name the file, line and field.
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
};

struct Dataset {
  std::string path;
  std::vector<DatasetInput> inputs;
};

// Throws beamline::Error ("FILE:LINE: field 'F': expected ...").
Dataset load_dataset(const std::string& path);

}  // namespace beamline::judge
