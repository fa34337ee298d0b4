// `beamline tokenize` end to end: runs the built binary and reads the last
// line of its stdout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/cli_runner.h"
#include "tests/worker/tokenizer/test_files.h"

namespace beamline::tokenizer {
namespace {

using beamline::testing::CommandRun;
using beamline::testing::last_line;
using beamline::testing::run_beamline;
using beamline::testing::shell_quote;

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
  const CommandRun result = run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --text \"Hello world\"");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(last_line(result.out), "1 3 4 2");
}

TEST_F(TokenizerCommandLine, NoSpecialLeavesThemOut) {
  const CommandRun result =
      run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --text \"Hello world\" --no-special");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(last_line(result.out), "3 4");
}

TEST_F(TokenizerCommandLine, ModelDirectoryReadsItsTokenizerJson) {
  const std::string dir = std::filesystem::path(file_).parent_path().string();
  const CommandRun result = run_beamline("tokenize --model " + shell_quote(dir) + " --text \"Hello world\"");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(last_line(result.out), "1 3 4 2");
}

TEST_F(TokenizerCommandLine, DecodeSkipsSpecialTokensUnlessAskedToKeepThem) {
  const CommandRun plain = run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --decode \"1 3 4 2\"");
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(last_line(plain.out), "hello world");
  const CommandRun kept =
      run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --decode \"1 3 4 2\" --keep-special");
  EXPECT_EQ(last_line(kept.out), "[CLS] hello world [SEP]");
}

TEST_F(TokenizerCommandLine, BadInputExitsWithOneAndAClearError) {
  const CommandRun missing = run_beamline("tokenize --tokenizer /nonexistent/tokenizer.json --text hi");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.rfind("error: ", 0), 0u) << missing.err;
  EXPECT_NE(missing.err.find("/nonexistent/tokenizer.json"), std::string::npos) << missing.err;

  const CommandRun bad_id = run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --decode \"3 77\"");
  EXPECT_EQ(bad_id.exit_code, 1);
  EXPECT_NE(bad_id.err.find("id 77"), std::string::npos) << bad_id.err;

  const CommandRun not_a_number = run_beamline("tokenize --tokenizer " + shell_quote(file_) + " --decode \"3 x\"");
  EXPECT_EQ(not_a_number.exit_code, 1);
  EXPECT_NE(not_a_number.err.find("\"x\""), std::string::npos) << not_a_number.err;

  const CommandRun neither = run_beamline("tokenize --tokenizer " + shell_quote(file_));
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_NE(neither.err.find("--text"), std::string::npos) << neither.err;
}

TEST_F(TokenizerCommandLine, EncodesWithTheSharedGpt2Tokenizer) {
  const auto shared = testing::shared_tokenizers_dir();
  if (!shared) GTEST_SKIP() << "SKIPPED: shared tokenizers not found; GPT-2 CLI check was not run";
  const CommandRun result = run_beamline("tokenize --tokenizer " + shell_quote((*shared / "gpt2" / "tokenizer.json").string()) +
                                            " --text \"Hello world\"");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(last_line(result.out), "15496 995");
}

}  // namespace
}  // namespace beamline::tokenizer
