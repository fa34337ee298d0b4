#include "common/protocol/wire_outcome.h"

namespace beamline::protocol {

wire::Outcome to_wire(campaign::Outcome outcome) {
  switch (outcome) {
    case campaign::Outcome::masked_identical: return wire::MASKED_IDENTICAL;
    case campaign::Outcome::masked_correct: return wire::MASKED_CORRECT;
    case campaign::Outcome::sdc: return wire::SDC;
    case campaign::Outcome::due: return wire::DUE;
  }
  return wire::OUTCOME_UNSPECIFIED;
}

std::optional<campaign::Outcome> from_wire(wire::Outcome outcome) {
  switch (outcome) {
    case wire::MASKED_IDENTICAL: return campaign::Outcome::masked_identical;
    case wire::MASKED_CORRECT: return campaign::Outcome::masked_correct;
    case wire::SDC: return campaign::Outcome::sdc;
    case wire::DUE: return campaign::Outcome::due;
    default: return std::nullopt;
  }
}

}  // namespace beamline::protocol
