#pragma once
// Runs the built beamline binary (BEAMLINE_BINARY) for CLI tests and
// captures its exit code, stdout and stderr.
#include <string>

namespace beamline::testing {

struct CommandRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// `args` is appended to the binary path as shell words (quote as needed).
CommandRun run_beamline(const std::string& args);

// text as one shell word.
std::string shell_quote(const std::string& text);

// The last non-empty line of text.
std::string last_line(const std::string& text);

}  // namespace beamline::testing
