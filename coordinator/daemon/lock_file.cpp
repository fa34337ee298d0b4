#include "coordinator/daemon/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/core.h>
#include <string>

#include "common/error.h"

namespace beamline::coordinator {

LockFile::LockFile(const std::string& db_path) : path_(db_path + ".lock") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail_in_file(path_, std::string("cannot open the lock file: ") + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char buffer[32] = {};
    const ssize_t n = ::pread(fd_, buffer, sizeof(buffer) - 1, 0);
    const std::string holder = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string("?");
    ::close(fd_);
    fd_ = -1;
    fail_in_file(path_, fmt::format("another coordinator (pid {}) is using this database; one coordinator per database",
                                    holder));
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

LockFile::~LockFile() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock; the file stays (removing it would race a new holder)
}

}  // namespace beamline::coordinator
