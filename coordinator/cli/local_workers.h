#pragma once
// `beamline run`'s worker processes: this binary's own `worker` subcommand,
// each in its own process group (a Ctrl-C at the terminal reaches only
// `run`, which drains and then stops them) and told by the kernel to stop
// if `run` dies (PR_SET_PDEATHSIG), so no worker outlives its run.
#include <sys/types.h>

#include <string>
#include <vector>

namespace beamline::coordinator {

class LocalWorkers {
 public:
  LocalWorkers() = default;
  ~LocalWorkers();  // stop(0)
  LocalWorkers(const LocalWorkers&) = delete;
  LocalWorkers& operator=(const LocalWorkers&) = delete;

  // Starts `beamline <args...>`; throws beamline::Error if fork fails.
  void start(const std::vector<std::string>& args);
  // How many have not exited yet (reaps those that have).
  size_t running();
  // Waits up to grace_ms for them to exit on their own (after the
  // coordinator's Shutdown), then SIGTERM, then SIGKILL.
  void stop(int grace_ms);
  // SIGKILL now and reap: for a second Ctrl-C, when the coordinator is
  // already gone and nothing a worker holds could be stored any more.
  void kill_all();

 private:
  std::vector<pid_t> children_;
};

}  // namespace beamline::coordinator
