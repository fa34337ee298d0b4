#pragma once
// A `beamline` child process (the built binary, BEAMLINE_BINARY) with its
// stdout and stderr appended to a log file; SIGKILLed and reaped by the
// destructor if still running. For tests that run a coordinator and
// workers as a user does.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace beamline::testing {

class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& args, const std::string& log_file);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // The exit code (128 + n when killed by signal n), or none if it is still
  // running after `deadline` (a deadline only to fail a test).
  std::optional<int> wait(std::chrono::seconds deadline);

 private:
  pid_t pid_ = -1;
};

}  // namespace beamline::testing
