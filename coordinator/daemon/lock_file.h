#pragma once
// One coordinator per database: an exclusive flock() on "<db>.lock", held
// for the process's life. The kernel drops it when the process dies, even
// by SIGKILL, so a restart after a crash never finds a stale lock.
#include <string>

namespace beamline::coordinator {

class LockFile {
 public:
  // Throws beamline::Error naming the lock file (and the holder's pid, when
  // it wrote one) if another process holds it.
  explicit LockFile(const std::string& db_path);
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace beamline::coordinator
