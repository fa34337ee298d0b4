#pragma once
// campaign::Outcome <-> wire::Outcome. OUTCOME_UNSPECIFIED (a peer that
// forgot to set it, or a future value) has no campaign outcome: nullopt,
// and the coordinator drops that trial result with a log line.
#include <optional>

#include "common/campaign/outcome.h"
#include "schema/beamline.pb.h"

namespace beamline::protocol {

wire::Outcome to_wire(campaign::Outcome outcome);
std::optional<campaign::Outcome> from_wire(wire::Outcome outcome);

}  // namespace beamline::protocol
