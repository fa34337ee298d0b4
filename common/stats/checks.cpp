#include "common/stats/checks.h"

#include <fmt/core.h>

#include "common/error.h"

namespace beamline::stats {

void check_open_unit_interval(std::string_view name, double value) {
  // Written so that NaN fails the check.
  if (!(value > 0.0 && value < 1.0)) {
    throw Error(fmt::format("{} must be strictly between 0 and 1, got {}", name, value));
  }
}

}  // namespace beamline::stats
