#pragma once
// Checks for subcommand options. A failed check throws beamline::Error whose
// message names the option as the user typed it and what was expected; main
// prints it and exits 1.
#include <cstdint>
#include <string_view>

namespace beamline::common {

// 0 < value < 1 (NaN fails).
void require_open_unit_interval(std::string_view option, double value);
// value >= minimum.
void require_at_least(std::string_view option, std::int64_t value, std::int64_t minimum);

}  // namespace beamline::common
