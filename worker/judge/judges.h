#pragma once
// Deciding whether a generated output answers an input correctly. The trial
// engine compares a faulty output with the golden one first (identical ->
// masked_identical); only differing outputs reach these judges.
#include <string>
#include <string_view>
#include <vector>

#include "worker/judge/task_kind.h"

namespace beamline::judge {

// True when `output` is a correct answer given any of the reference
// `answers`. `option_count` is the number of options of a choice question.
bool is_correct(TaskKind task, std::string_view output, const std::vector<std::string>& answers,
                int option_count = 4);

}  // namespace beamline::judge
