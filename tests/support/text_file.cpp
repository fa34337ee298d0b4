#include "tests/support/text_file.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/support/wait_until.h"

namespace beamline::testing {

std::string read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string wait_for_first_line(const std::filesystem::path& file, std::chrono::seconds deadline) {
  std::string line;
  wait_until(
      [&] {
        std::ifstream in(file);
        return static_cast<bool>(std::getline(in, line)) && !line.empty();
      },
      deadline);
  return line;
}

void print_log_tail(const std::filesystem::path& file) {
  std::string tail = read_text_file(file);
  if (tail.size() > 3000) tail = tail.substr(tail.size() - 3000);
  std::cerr << "---- " << file.filename().string() << "\n" << tail << "\n";
}

}  // namespace beamline::testing
