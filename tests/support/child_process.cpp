#include "tests/support/child_process.h"

#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <thread>
#include <utility>

namespace beamline::testing {
namespace {

// The binary and its arguments as execv takes them, built before fork so
// the child does as little as it can before exec (a test may have threads
// running, whose locks the child inherits held).
class ExecArgs {
 public:
  explicit ExecArgs(const std::vector<std::string>& args) : words_(args) {
    words_.insert(words_.begin(), BEAMLINE_BINARY);
    for (auto& word : words_) argv_.push_back(word.data());
    argv_.push_back(nullptr);
  }
  // In the child: becomes the binary, or exits 127 as a shell would.
  [[noreturn]] void exec() {
    ::execv(argv_[0], argv_.data());
    _exit(127);
  }

 private:
  std::vector<std::string> words_;
  std::vector<char*> argv_;
};

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& args, const std::string& log_file) {
  ExecArgs exec_args(args);
  pid_ = ::fork();
  if (pid_ == 0) {
    if (FILE* log = std::fopen(log_file.c_str(), "a")) {
      ::dup2(::fileno(log), STDOUT_FILENO);
      ::dup2(::fileno(log), STDERR_FILENO);
    }
    exec_args.exec();
  }
}

ChildProcess ChildProcess::on_terminal(const std::vector<std::string>& args, unsigned short rows,
                                       unsigned short columns, int& terminal) {
  ExecArgs exec_args(args);
  winsize size{};
  size.ws_row = rows;
  size.ws_col = columns;
  const pid_t pid = ::forkpty(&terminal, nullptr, nullptr, &size);
  if (pid == 0) exec_args.exec();
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  std::swap(pid_, other.pid_);
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void ChildProcess::signal(int sig) const {
  // Never kill(-1, ...): once reaped (or never started) pid_ is -1, and that
  // would signal every process of the user.
  if (pid_ > 0) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait(std::chrono::seconds deadline) {
  return wait(std::chrono::steady_clock::now() + deadline);
}

std::optional<int> ChildProcess::wait(std::chrono::steady_clock::time_point until) {
  while (pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

}  // namespace beamline::testing
