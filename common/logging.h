#pragma once
// Process-wide logging set-up. Logs go to stderr so stdout stays machine
// readable (ids, JSON, reports).
#include <string>

namespace beamline {

// level: trace, debug, info, warn, error, off.
void init_logging(const std::string& level);

}  // namespace beamline
