#include "common/cli/option_checks.h"

#include <fmt/core.h>

#include "common/error.h"

namespace beamline::common {

void require_open_unit_interval(std::string_view option, double value) {
  if (!(value > 0.0 && value < 1.0)) {
    throw Error(fmt::format("{} must be strictly between 0 and 1, got {}", option, value));
  }
}

void require_at_least(std::string_view option, std::int64_t value, std::int64_t minimum) {
  if (value < minimum) {
    throw Error(fmt::format("{} must be at least {}, got {}", option, minimum, value));
  }
}

}  // namespace beamline::common
