#pragma once
// Argument checks shared by the statistics functions. Their inputs come from
// users (options, campaign files, report queries), so a bad one is a
// beamline::Error naming the parameter and the expected range.
#include <string_view>

namespace beamline::stats {

// Throws unless 0 < value < 1 (NaN fails too).
void check_open_unit_interval(std::string_view name, double value);

}  // namespace beamline::stats
