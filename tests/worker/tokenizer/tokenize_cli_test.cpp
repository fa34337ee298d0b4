// `beamline tokenize` end to end: runs the built binary and reads the last
// line of its stdout.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/worker/tokenizer/test_files.h"

namespace beamline::tokenizer {
namespace {

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

CommandResult run_beamline(const std::string& arguments) {
  const std::string err_path = testing::write_test_file("stderr.txt", "");
  const std::string command = shell_quote(BEAMLINE_BINARY) + " " + arguments + " 2>" + shell_quote(err_path);
  CommandResult result{-1, "", ""};
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::ostringstream err_text;
  err_text << err.rdbuf();
  result.err = err_text.str();
  return result;
}

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  const std::size_t newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

const char* const kWordLevelTokenizer = R"({
  "added_tokens": [
    {"id": 0, "content": "[UNK]", "special": true, "normalized": false},
    {"id": 1, "content": "[CLS]", "special": true, "normalized": false},
    {"id": 2, "content": "[SEP]", "special": true, "normalized": false}],
  "normalizer": {"type": "Lowercase"},
  "pre_tokenizer": {"type": "WhitespaceSplit"},
  "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]},
  "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "hello": 3, "world": 4},
            "unk_token": "[UNK]"}
})";

class TokenizerCommandLine : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(BEAMLINE_BINARY)) << "beamline binary not built: " << BEAMLINE_BINARY;
    file_ = testing::write_test_file("tokenizer.json", kWordLevelTokenizer);
  }
  std::string file_;
};

TEST_F(TokenizerCommandLine, PrintsIdsWithSpecialTokensOnTheLastLine) {
  const CommandResult result = run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --text \"Hello world\"");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(last_line(result.out), "1 3 4 2");
}

TEST_F(TokenizerCommandLine, NoSpecialLeavesThemOut) {
  const CommandResult result =
      run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --text \"Hello world\" --no-special");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(last_line(result.out), "3 4");
}

TEST_F(TokenizerCommandLine, ModelDirectoryReadsItsTokenizerJson) {
  const std::string dir = std::filesystem::path(file_).parent_path().string();
  const CommandResult result = run_beamline("tokenize --model " + shell_quote(dir) + " --text \"Hello world\"");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(last_line(result.out), "1 3 4 2");
}

TEST_F(TokenizerCommandLine, DecodeSkipsSpecialTokensUnlessAskedToKeepThem) {
  const CommandResult plain = run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --decode \"1 3 4 2\"");
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(last_line(plain.out), "hello world");
  const CommandResult kept =
      run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --decode \"1 3 4 2\" --keep-special");
  EXPECT_EQ(last_line(kept.out), "[CLS] hello world [SEP]");
}

TEST_F(TokenizerCommandLine, BadInputExitsWithOneAndAClearError) {
  const CommandResult missing = run_beamline("tokenize --tokenizer /nonexistent/tokenizer.json --text hi");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.rfind("error: ", 0), 0u) << missing.err;
  EXPECT_NE(missing.err.find("/nonexistent/tokenizer.json"), std::string::npos) << missing.err;

  const CommandResult bad_id = run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --decode \"3 77\"");
  EXPECT_EQ(bad_id.exit_code, 1);
  EXPECT_NE(bad_id.err.find("id 77"), std::string::npos) << bad_id.err;

  const CommandResult not_a_number = run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --decode \"3 x\"");
  EXPECT_EQ(not_a_number.exit_code, 1);
  EXPECT_NE(not_a_number.err.find("\"x\""), std::string::npos) << not_a_number.err;

  const CommandResult neither = run_beamline("tokenize --tokenizer " + shell_quote(file_));
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_NE(neither.err.find("--text"), std::string::npos) << neither.err;
}

TEST_F(TokenizerCommandLine, EncodesWithTheSharedGpt2Tokenizer) {
  const auto shared = testing::shared_tokenizers_dir();
  if (!shared) GTEST_SKIP() << "SKIPPED: shared tokenizers not found; GPT-2 CLI check was not run";
  const CommandResult result = run_beamline("tokenize --tokenizer " + shell_quote((*shared / "gpt2" / "tokenizer.json").string()) +
                                            " --text \"Hello world\"");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(last_line(result.out), "15496 995");
}

}  // namespace
}  // namespace beamline::tokenizer
