#include "tests/coordinator/http/serve_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <stdexcept>

namespace beamline::testing {

ServeProcess::ServeProcess(const std::string& db_path) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(BEAMLINE_BINARY, BEAMLINE_BINARY, "serve", "--db", db_path.c_str(), "--http", "127.0.0.1:0",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  // Blocks until the server has bound its port (or the child exits).
  FILE* stream = fdopen(out[0], "r");
  char buffer[1024];
  if (stream && fgets(buffer, sizeof buffer, stream)) first_line_ = buffer;
  if (stream) fclose(stream);
  std::smatch match;
  if (std::regex_search(first_line_, match, std::regex("http://127\\.0\\.0\\.1:([0-9]+)/"))) {
    port_ = static_cast<unsigned short>(std::stoi(match[1].str()));
  }
}

int ServeProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

ServeProcess::~ServeProcess() { stop(); }

}  // namespace beamline::testing
