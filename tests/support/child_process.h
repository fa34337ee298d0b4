#pragma once
// A `beamline` child process (the built binary, BEAMLINE_BINARY), for tests
// that run the daemons and `run` as a user does. The destructor SIGKILLs and
// reaps one still running, so a failing test leaves no process behind.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace beamline::testing {

class ChildProcess {
 public:
  // stdout and stderr appended to log_file, which a failing test prints.
  ChildProcess(const std::vector<std::string>& args, const std::string& log_file);
  // stdin, stdout and stderr on a new pseudo-terminal of rows x columns (for
  // output that differs on a terminal). `terminal` gets its controlling end,
  // which the caller reads and closes; it stays -1 when nothing could start.
  static ChildProcess on_terminal(const std::vector<std::string>& args, unsigned short rows,
                                  unsigned short columns, int& terminal);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Sends sig if the process has not been reaped yet.
  void signal(int sig) const;
  // The exit code (128 + n when killed by signal n), or none if it is still
  // running after `deadline` / at `until` (a deadline only to fail a test).
  std::optional<int> wait(std::chrono::seconds deadline);
  std::optional<int> wait(std::chrono::steady_clock::time_point until);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

}  // namespace beamline::testing
