#include "coordinator/cli/local_workers.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/error.h"

namespace beamline::coordinator {
namespace {

bool wait_all(std::vector<pid_t>& children, int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    for (auto it = children.begin(); it != children.end();) {
      int status = 0;
      const pid_t done = ::waitpid(*it, &status, WNOHANG);
      it = (done == *it || (done < 0 && errno == ECHILD)) ? children.erase(it) : it + 1;
    }
    if (children.empty()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

LocalWorkers::~LocalWorkers() { stop(0); }

void LocalWorkers::start(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  static const std::string self = "/proc/self/exe";
  argv.push_back(const_cast<char*>(self.c_str()));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) throw Error(std::string("cannot start a worker process: ") + std::strerror(errno));
  if (child == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) _exit(1);  // run died before prctl took effect
    // Default dispositions: the parent's SIGINT/SIGTERM handlers must not
    // leak into the child before exec resets them (exec does reset them).
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  children_.push_back(child);
}

size_t LocalWorkers::running() {
  for (auto it = children_.begin(); it != children_.end();) {
    int status = 0;
    const pid_t done = ::waitpid(*it, &status, WNOHANG);
    it = (done == *it || (done < 0 && errno == ECHILD)) ? children_.erase(it) : it + 1;
  }
  return children_.size();
}

void LocalWorkers::stop(int grace_ms) {
  if (children_.empty()) return;
  if (wait_all(children_, grace_ms)) return;
  for (const pid_t child : children_) ::kill(child, SIGTERM);
  if (wait_all(children_, 5000)) return;
  kill_all();
}

void LocalWorkers::kill_all() {
  for (const pid_t child : children_) ::kill(child, SIGKILL);
  wait_all(children_, 5000);
}

}  // namespace beamline::coordinator
