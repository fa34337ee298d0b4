#pragma once
// Helpers shared by the tokenizer tests: scratch files and the location of
// the shared reference tokenizers.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace beamline::tokenizer::testing {

// Writes `content` to a file unique to the running test and returns its path.
inline std::string write_test_file(const std::string& name, const std::string& content) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test_name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : test_name) {
    if (c == '/') c = '_';
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("beamline_tokenizer_" + std::to_string(::getpid()) + "_" + test_name);
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

// $BEAMLINE_SHARED_DIR/tokenizers when that variable is set (it may also name
// the tokenizers folder itself), otherwise ../shared/tokenizers beside the
// source tree; nullopt when the chosen place has none.
inline std::optional<std::filesystem::path> shared_tokenizers_dir() {
  if (const char* shared = std::getenv("BEAMLINE_SHARED_DIR")) {
    const std::filesystem::path root(shared);
    if (std::filesystem::is_directory(root / "tokenizers")) return root / "tokenizers";
    if (std::filesystem::exists(root / "gpt2" / "tokenizer.json")) return root;
    return std::nullopt;
  }
  const std::filesystem::path beside_source = std::filesystem::path(BEAMLINE_SOURCE_DIR) / ".." / "shared" / "tokenizers";
  if (std::filesystem::is_directory(beside_source)) return beside_source;
  return std::nullopt;
}

}  // namespace beamline::tokenizer::testing
