#pragma once
// `beamline serve --db DB --http 127.0.0.1:0` as a child process: started
// by the constructor (which reads the "serving ... at http://HOST:PORT/"
// line to learn the port), stopped with SIGTERM by stop() or the
// destructor.
#include <sys/types.h>

#include <string>

namespace beamline::testing {

class ServeProcess {
 public:
  explicit ServeProcess(const std::string& db_path);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  unsigned short port() const { return port_; }
  const std::string& first_line() const { return first_line_; }
  // SIGTERM, then the exit status as waitpid reports it (-1 if not running).
  int stop();

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string first_line_;
};

}  // namespace beamline::testing
