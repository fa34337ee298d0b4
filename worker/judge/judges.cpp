#include "worker/judge/judges.h"

#include <cmath>

#include "worker/judge/text_normalize.h"

namespace beamline::judge {
namespace {

// SQuAD-style containment on word boundaries: "5 people" is in
// "there are 5 people" but "5" is not in "15".
bool qa_correct(std::string_view output, const std::string& answer) {
  const std::string wanted = squad_normalize(answer);
  const std::string got = squad_normalize(output);
  if (wanted.empty()) return got.empty();
  return (" " + got + " ").find(" " + wanted + " ") != std::string::npos;
}

bool math_correct(std::string_view output, const std::string& answer) {
  const auto wanted = final_number(answer);
  const auto got = final_number(output);
  if (!wanted || !got) return false;
  const double scale = std::max(1.0, std::fabs(*wanted));
  return std::fabs(*wanted - *got) <= 1e-9 * scale;
}

bool choice_correct(std::string_view output, const std::string& answer, int option_count) {
  const auto wanted = chosen_option(answer, option_count);
  const auto got = chosen_option(output, option_count);
  return wanted && got && *wanted == *got;
}

}  // namespace

bool is_correct(TaskKind task, std::string_view output, const std::vector<std::string>& answers,
                int option_count) {
  for (const std::string& answer : answers) {
    bool correct = false;
    switch (task) {
      case TaskKind::qa: correct = qa_correct(output, answer); break;
      case TaskKind::math: correct = math_correct(output, answer); break;
      case TaskKind::choice: correct = choice_correct(output, answer, option_count); break;
      case TaskKind::exact: correct = trim(output) == trim(answer); break;
    }
    if (correct) return true;
  }
  return false;
}

}  // namespace beamline::judge
