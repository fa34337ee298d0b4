#pragma once
// Text files in tests: whole (inputs, the logs child processes write), the
// first line another process writes, or a log's tail when a test fails.
#include <chrono>
#include <filesystem>
#include <string>

namespace beamline::testing {

// The whole file; "" when it is not there (yet).
std::string read_text_file(const std::filesystem::path& file);

// The first line of a file another process writes (a coordinator's
// --endpoint-file), once it is there and not empty; "" if it is not by
// `deadline`.
std::string wait_for_first_line(const std::filesystem::path& file, std::chrono::seconds deadline);

// "---- NAME" and the file's last 3000 characters on stderr: enough to see
// why a process failed without burying the test's own messages.
void print_log_tail(const std::filesystem::path& file);

}  // namespace beamline::testing
