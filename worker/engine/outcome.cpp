#include "worker/engine/outcome.h"

#include <fmt/core.h>

#include "common/error.h"

namespace beamline::engine {

std::string to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::masked_identical: return "masked_identical";
    case Outcome::masked_correct: return "masked_correct";
    case Outcome::sdc: return "sdc";
    case Outcome::due: return "due";
  }
  return "unknown";
}

Outcome parse_outcome(std::string_view name) {
  for (Outcome o : {Outcome::masked_identical, Outcome::masked_correct, Outcome::sdc, Outcome::due}) {
    if (name == to_string(o)) return o;
  }
  throw Error(fmt::format("outcome '{}': expected masked_identical, masked_correct, sdc or due", name));
}

}  // namespace beamline::engine
