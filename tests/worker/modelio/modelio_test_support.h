#pragma once
// Shared by the modelio tests: a scratch directory per test and a check that
// a call fails with a beamline::Error whose message names what it should.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>
#include <string>
#include <vector>

#include "common/error.h"

namespace beamline::modelio::testing {

// A fresh directory under the system temp dir, removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = std::string("beamline_modelio_") + info->test_suite_name() + "_" +
                             info->name() + "_" + std::to_string(::getpid());
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Runs CALL and expects a beamline::Error whose message contains every one
// of FRAGMENTS; reports the message otherwise.
inline void expect_error(const std::function<void()>& call,
                         const std::vector<std::string>& fragments) {
  try {
    call();
  } catch (const beamline::Error& error) {
    const std::string message = error.what();
    for (const auto& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "message \"" << message << "\" lacks \"" << fragment << "\"";
    }
    return;
  } catch (const std::exception& other) {
    ADD_FAILURE() << "expected beamline::Error, got another exception: " << other.what();
    return;
  }
  ADD_FAILURE() << "expected beamline::Error, nothing was thrown";
}

}  // namespace beamline::modelio::testing
