#include "common/campaign/outcome.h"

namespace beamline::campaign {

std::string to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::masked_identical: return "masked_identical";
    case Outcome::masked_correct: return "masked_correct";
    case Outcome::sdc: return "sdc";
    case Outcome::due: return "due";
  }
  return {};
}

std::optional<Outcome> try_parse_outcome(std::string_view name) {
  for (auto outcome : {Outcome::masked_identical, Outcome::masked_correct, Outcome::sdc, Outcome::due}) {
    if (name == to_string(outcome)) return outcome;
  }
  return std::nullopt;
}

}  // namespace beamline::campaign
