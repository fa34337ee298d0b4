// Bad tokenizer files and bad ids: each is a beamline::Error whose message
// names the file, the field or the id, never a crash.
#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "tests/worker/tokenizer/test_files.h"
#include "worker/tokenizer/tokenizer.h"

namespace beamline::tokenizer {
namespace {

// The message of the beamline::Error `action` throws ("" if none is thrown).
template <typename Action>
std::string error_of(Action&& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a beamline::Error";
  return "";
}

std::string load_error(const std::string& content) {
  const std::string path = testing::write_test_file("tokenizer.json", content);
  const std::string message = error_of([&] { Tokenizer::from_file(path); });
  EXPECT_NE(message.find(path), std::string::npos) << "message does not name the file: " << message;
  return message;
}

const char* const kWordLevelModel =
    R"("model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "a": 1}, "unk_token": "[UNK]"})";

TEST(TokenizerBadInput, MissingFileIsNamed) {
  const std::string message = error_of([] { Tokenizer::from_file("/nonexistent/dir/tokenizer.json"); });
  EXPECT_NE(message.find("/nonexistent/dir/tokenizer.json"), std::string::npos) << message;
  EXPECT_NE(message.find("cannot open"), std::string::npos) << message;
}

TEST(TokenizerBadInput, MalformedJsonIsReported) {
  const std::string message = load_error(R"({"model": {"vocab": {"a": 1,}})");
  EXPECT_NE(message.find("malformed JSON"), std::string::npos) << message;
}

TEST(TokenizerBadInput, UnknownModelTypeNamesTheField) {
  const std::string message = load_error(R"({"model": {"type": "Unigram", "vocab": [["a", 0.0]]}})");
  EXPECT_NE(message.find("model.type"), std::string::npos) << message;
  EXPECT_NE(message.find("Unigram"), std::string::npos) << message;
  EXPECT_NE(message.find("BPE"), std::string::npos) << message;  // says what is supported
}

TEST(TokenizerBadInput, MissingModelNamesTheField) {
  const std::string message = load_error(R"({"normalizer": null})");
  EXPECT_NE(message.find("model: required field is missing"), std::string::npos) << message;
}

TEST(TokenizerBadInput, UnknownPreTokenizerInsideASequenceNamesItsPath) {
  const std::string message = load_error(std::string(R"({"pre_tokenizer": {"type": "Sequence", "pretokenizers": [
      {"type": "Whitespace"}, {"type": "Frobnicate"}]}, )") + kWordLevelModel + "}");
  EXPECT_NE(message.find("pre_tokenizer.pretokenizers[1].type"), std::string::npos) << message;
  EXPECT_NE(message.find("Frobnicate"), std::string::npos) << message;
}

TEST(TokenizerBadInput, WrongFieldTypeSaysWhatWasExpected) {
  const std::string message =
      load_error(std::string(R"({"pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": "yes"}, )") +
                 kWordLevelModel + "}");
  EXPECT_NE(message.find("pre_tokenizer.add_prefix_space"), std::string::npos) << message;
  EXPECT_NE(message.find("expected true or false"), std::string::npos) << message;
}

TEST(TokenizerBadInput, MergeOutsideTheVocabularyNamesTheMerge) {
  const std::string message =
      load_error(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b", "b c"]}})");
  EXPECT_NE(message.find("model.merges[1]"), std::string::npos) << message;
  EXPECT_NE(message.find("\"c\""), std::string::npos) << message;
}

TEST(TokenizerBadInput, InvalidRegexNamesThePattern) {
  const std::string message = load_error(std::string(R"({"pre_tokenizer": {"type": "Split",
      "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated", "invert": false}, )") + kWordLevelModel + "}");
  EXPECT_NE(message.find("pre_tokenizer.pattern.Regex"), std::string::npos) << message;
  EXPECT_NE(message.find("(unclosed"), std::string::npos) << message;
}

TEST(TokenizerBadInput, TemplateWithUnlistedSpecialTokenIsRejected) {
  const std::string message = load_error(std::string(R"({"post_processor": {"type": "TemplateProcessing",
      "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
      "special_tokens": {}}, )") + kWordLevelModel + "}");
  EXPECT_NE(message.find("<s>"), std::string::npos) << message;
  EXPECT_NE(message.find("special_tokens"), std::string::npos) << message;
}

TEST(TokenizerBadInput, IdOutsideTheVocabularyNamesIdAndSize) {
  const auto tokenizer = Tokenizer::from_json(std::string("{") + kWordLevelModel + "}", "small.json");
  EXPECT_EQ(tokenizer.vocab_size(), 2);
  for (const std::int32_t bad_id : {2, 99999, -1}) {
    const std::string message = error_of([&] { tokenizer.decode({1, bad_id}); });
    EXPECT_NE(message.find("id " + std::to_string(bad_id)), std::string::npos) << message;
    EXPECT_NE(message.find("size 2"), std::string::npos) << message;
  }
}

TEST(TokenizerBadInput, InvalidUtf8TextIsRejected) {
  const auto tokenizer = Tokenizer::from_json(std::string("{") + kWordLevelModel + "}", "small.json");
  const std::string message = error_of([&] { tokenizer.encode("a\xC3(", false); });
  EXPECT_NE(message.find("UTF-8"), std::string::npos) << message;
  EXPECT_NE(message.find("offset 1"), std::string::npos) << message;
}

}  // namespace
}  // namespace beamline::tokenizer
