#pragma once
// Trial outcomes. The one definition, with the stored names, lives in
// common/campaign/outcome.h: the store, the wire protocol and reports use
// the same enum.
#include "common/campaign/outcome.h"

namespace beamline::engine {

using campaign::Outcome;
using campaign::to_string;

}  // namespace beamline::engine
