#pragma once
// Errors the user can act on: bad input files, bad options, missing data.
// Their message names the file, line or field and what was expected; the CLI
// prints it and exits non-zero. Programming errors stay assertions.
#include <stdexcept>
#include <string>

namespace beamline {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "FILE: what went wrong" -- the one place the prefix format lives.
[[noreturn]] void fail_in_file(const std::string& file, const std::string& message);

}  // namespace beamline
