#include "worker/judge/task_kind.h"

namespace beamline::judge {

std::optional<TaskKind> parse_task_kind(std::string_view text) {
  if (text == "qa") return TaskKind::qa;
  if (text == "math") return TaskKind::math;
  if (text == "choice") return TaskKind::choice;
  if (text == "exact") return TaskKind::exact;
  return std::nullopt;
}

std::string to_string(TaskKind kind) {
  switch (kind) {
    case TaskKind::qa: return "qa";
    case TaskKind::math: return "math";
    case TaskKind::choice: return "choice";
    case TaskKind::exact: return "exact";
  }
  return "unknown";
}

}  // namespace beamline::judge
