#pragma once
// The task judges of DESIGN.md: how an output is decided correct.
#include <optional>
#include <string>
#include <string_view>

namespace beamline::judge {

enum class TaskKind {
  qa,      // answer contained after SQuAD normalisation
  math,    // final number equal
  choice,  // chosen option letter equal
  exact,   // same text (surrounding whitespace ignored)
};

std::optional<TaskKind> parse_task_kind(std::string_view text);
std::string to_string(TaskKind kind);

}  // namespace beamline::judge
