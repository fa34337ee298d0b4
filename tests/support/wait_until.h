#pragma once
// Polling for what another process does (rows in its database, lines in its
// log). The deadline only turns a hang into a failure; no test asserts how
// long anything took.
#include <chrono>
#include <functional>

namespace beamline::testing {

// Calls done() every 50 ms until it is true (true) or `deadline` has passed
// (false).
bool wait_until(const std::function<bool()>& done, std::chrono::seconds deadline);

}  // namespace beamline::testing
