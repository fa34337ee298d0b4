// Known id sequences for small tokenizer.json files written here, one per
// family the real files use: WordLevel, SentencePiece-style BPE with a
// Metaspace pre-tokenizer, BERT-style WordPiece, and added tokens with their
// matching options; plus sharing one tokenizer across copies and threads.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/worker/tokenizer/test_files.h"
#include "worker/tokenizer/tokenizer.h"

namespace beamline::tokenizer {
namespace {

using Ids = std::vector<std::int32_t>;

// WordLevel without "type" (inferred), Lowercase, a pre-tokenizer of the
// caller's choice, and BERT-style [CLS] ... [SEP] via TemplateProcessing.
std::string word_level_json(const std::string& pre_tokenizer) {
  return R"({
    "version": "1.0",
    "added_tokens": [
      {"id": 0, "content": "[UNK]", "special": true, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false},
      {"id": 1, "content": "[CLS]", "special": true, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false},
      {"id": 2, "content": "[SEP]", "special": true, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false}
    ],
    "normalizer": {"type": "Lowercase"},
    "pre_tokenizer": )" + pre_tokenizer + R"(,
    "post_processor": {
      "type": "TemplateProcessing",
      "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
      "pair": [],
      "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]},
                         "[SEP]": {"id": "[SEP]", "ids": [2], "tokens": ["[SEP]"]}}
    },
    "decoder": null,
    "model": {"vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "hello": 3, "world": 4, "!": 5, "the": 6, "cat": 7,
                        "42": 8, "4": 9, "2": 10},
              "unk_token": "[UNK]"}
  })";
}

TEST(WordLevelTokenizer, EncodesKnownIdsWithWhitespacePreTokenizer) {
  const auto tokenizer = Tokenizer::from_json(word_level_json(R"({"type": "Whitespace"})"), "word_level.json");
  EXPECT_EQ(tokenizer.encode("Hello world!"), (Ids{1, 3, 4, 5, 2}));
  EXPECT_EQ(tokenizer.encode("Hello world!", false), (Ids{3, 4, 5}));
  EXPECT_EQ(tokenizer.encode("  THE   cat  dog 42", false), (Ids{6, 7, 0, 8}));
  EXPECT_EQ(tokenizer.encode("", true), (Ids{1, 2}));
  EXPECT_EQ(tokenizer.encode("[CLS] the [SEP]", false), (Ids{1, 6, 2}));
  EXPECT_EQ(tokenizer.vocab_size(), 11);
}

TEST(WordLevelTokenizer, WhitespaceSplitKeepsPunctuationAttached) {
  const auto tokenizer = Tokenizer::from_json(word_level_json(R"({"type": "WhitespaceSplit"})"), "word_level.json");
  EXPECT_EQ(tokenizer.encode("hello world!", false), (Ids{3, 0}));
  EXPECT_EQ(tokenizer.encode("hello\tworld", false), (Ids{3, 4}));
}

TEST(WordLevelTokenizer, DigitsAfterWhitespaceSplitsNumbers) {
  const auto tokenizer = Tokenizer::from_json(
      word_level_json(R"({"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"},
                                                                {"type": "Digits", "individual_digits": true}]})"),
      "word_level.json");
  EXPECT_EQ(tokenizer.encode("cat42", false), (Ids{7, 9, 10}));
}

TEST(WordLevelTokenizer, DecodesWithoutADecoderByJoiningWithSpaces) {
  const auto tokenizer = Tokenizer::from_json(word_level_json(R"({"type": "Whitespace"})"), "word_level.json");
  EXPECT_EQ(tokenizer.decode({1, 3, 4, 5, 2}), "[CLS] hello world ! [SEP]");
  EXPECT_EQ(tokenizer.decode({1, 3, 4, 5, 2}, true), "hello world !");
  EXPECT_EQ(tokenizer.token_to_id("world"), 4);
  EXPECT_EQ(tokenizer.id_to_token(7), "cat");
  EXPECT_EQ(tokenizer.token_to_id("dog"), std::nullopt);
  EXPECT_EQ(tokenizer.id_to_token(11), std::nullopt);
}

// SentencePiece-style BPE with byte fallback, written with a Metaspace
// pre-tokenizer (the other spelling, Prepend + Replace normalizers, is the
// shared Llama-2 file).
std::string metaspace_json(const std::string& metaspace_options) {
  return R"({
    "added_tokens": [
      {"id": 0, "content": "<unk>", "special": true, "normalized": false},
      {"id": 1, "content": "<s>", "special": true, "normalized": false},
      {"id": 2, "content": "</s>", "special": true, "normalized": false}
    ],
    "normalizer": null,
    "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", )" + metaspace_options + R"(},
    "post_processor": {
      "type": "TemplateProcessing",
      "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
      "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}
    },
    "decoder": {"type": "Sequence", "decoders": [
      {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
      {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
    "model": {
      "type": "BPE", "unk_token": "<unk>", "fuse_unk": true, "byte_fallback": true,
      "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0x0A>": 3, "<0xC3>": 4, "<0xA9>": 5, "▁": 6, "h": 7, "e": 8,
                "l": 9, "o": 10, "w": 11, "r": 12, "d": 13, "▁h": 14, "ll": 15, "▁he": 16, "▁hell": 17,
                "▁hello": 18, "▁w": 19, "or": 20, "▁wor": 21},
      "merges": [["▁", "h"], ["l", "l"], ["▁h", "e"], ["▁he", "ll"], ["▁hell", "o"], "▁ w", "o r", "▁w or"]
    }
  })";
}

TEST(MetaspaceTokenizer, EncodesKnownIds) {
  const auto tokenizer = Tokenizer::from_json(metaspace_json(R"("prepend_scheme": "always", "split": true)"), "m.json");
  EXPECT_EQ(tokenizer.encode("hello world"), (Ids{1, 18, 21, 9, 13}));
  EXPECT_EQ(tokenizer.encode("hello world", false), (Ids{18, 21, 9, 13}));
  EXPECT_EQ(tokenizer.encode("é", false), (Ids{6, 4, 5}));         // byte fallback
  EXPECT_EQ(tokenizer.encode("hello\n", false), (Ids{18, 3}));
  EXPECT_EQ(tokenizer.encode("zz", false), (Ids{6, 0}));           // unknown, fused
  EXPECT_EQ(tokenizer.encode("</s>hello", false), (Ids{2, 18}));   // "always" prepends after a special token
  EXPECT_EQ(tokenizer.encode("", true), (Ids{1}));
}

TEST(MetaspaceTokenizer, DecodesKnownIds) {
  const auto tokenizer = Tokenizer::from_json(metaspace_json(R"("prepend_scheme": "always")"), "m.json");
  EXPECT_EQ(tokenizer.decode({1, 18, 21, 9, 13}, true), "hello world");
  EXPECT_EQ(tokenizer.decode({1, 18, 21, 9, 13}, false), "<s> hello world");
  EXPECT_EQ(tokenizer.decode({6, 4, 5}, true), "é");
  EXPECT_EQ(tokenizer.decode({6, 4}, true), "\xEF\xBF\xBD");  // a lone lead byte is U+FFFD
  EXPECT_EQ(tokenizer.decode({18, 3}, true), "hello\n");
}

TEST(MetaspaceTokenizer, PrependSchemeFirstSkipsTextAfterASpecialToken) {
  const auto tokenizer = Tokenizer::from_json(metaspace_json(R"("prepend_scheme": "first")"), "m.json");
  EXPECT_EQ(tokenizer.encode("hello", false), (Ids{18}));
  EXPECT_EQ(tokenizer.encode("</s>hello", false), (Ids{2, 7, 8, 15, 10}));
}

TEST(MetaspaceTokenizer, NeverPrependsWithSchemeNeverOrLegacyAddPrefixSpaceFalse) {
  for (const std::string options : {R"("prepend_scheme": "never")", R"("add_prefix_space": false)"}) {
    const auto tokenizer = Tokenizer::from_json(metaspace_json(options), "m.json");
    EXPECT_EQ(tokenizer.encode("hello world", false), (Ids{7, 8, 15, 10, 21, 9, 13})) << options;
  }
  // Legacy files: add_prefix_space true and no prepend_scheme mean "always".
  const auto legacy = Tokenizer::from_json(metaspace_json(R"("add_prefix_space": true)"), "m.json");
  EXPECT_EQ(legacy.encode("hello world", false), (Ids{18, 21, 9, 13}));
}

// Added tokens on a WordLevel model with no pre-tokenizer, so every piece
// between added tokens is looked up whole and stray spaces show up as [UNK].
std::string added_tokens_json(const std::string& mask_options) {
  return R"({
    "added_tokens": [
      {"id": 0, "content": "[UNK]", "special": true, "normalized": false},
      {"id": 5, "content": "<mask>", "special": false, )" + mask_options + R"(},
      {"id": 6, "content": "ony", "special": false, "single_word": true, "normalized": false}
    ],
    "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "a": 1, "b": 2, "a ": 3, " b": 4, "anthony": 7},
              "unk_token": "[UNK]"}
  })";
}

TEST(TokenizerAddedTokens, LstripAndRstripSwallowNeighbouringWhitespace) {
  const auto plain = Tokenizer::from_json(added_tokens_json(R"("normalized": false)"), "added.json");
  EXPECT_EQ(plain.encode("a <mask> b", false), (Ids{3, 5, 4}));
  const auto stripping =
      Tokenizer::from_json(added_tokens_json(R"("normalized": false, "lstrip": true, "rstrip": true)"), "added.json");
  EXPECT_EQ(stripping.encode("a <mask> b", false), (Ids{1, 5, 2}));
  EXPECT_EQ(stripping.decode({1, 5, 2}), "a <mask> b");
}

TEST(TokenizerAddedTokens, SingleWordTokensOnlyMatchWholeWords) {
  const auto tokenizer = Tokenizer::from_json(added_tokens_json(R"("normalized": false)"), "added.json");
  EXPECT_EQ(tokenizer.encode("anthony", false), (Ids{7}));
  EXPECT_EQ(tokenizer.encode("ony", false), (Ids{6}));
  EXPECT_EQ(tokenizer.vocab_size(), 8);
  EXPECT_FALSE(tokenizer.is_special_token(5));
  EXPECT_TRUE(tokenizer.is_special_token(0));
}

// BERT-style: BertNormalizer, BertPreTokenizer, WordPiece, BertProcessing and
// the WordPiece decoder.
const char* const kWordPieceTokenizer = R"({
  "added_tokens": [
    {"id": 0, "content": "[PAD]", "special": true, "normalized": false},
    {"id": 1, "content": "[UNK]", "special": true, "normalized": false},
    {"id": 2, "content": "[CLS]", "special": true, "normalized": false},
    {"id": 3, "content": "[SEP]", "special": true, "normalized": false}],
  "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                 "strip_accents": null, "lowercase": true},
  "pre_tokenizer": {"type": "BertPreTokenizer"},
  "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
  "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
  "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 12,
            "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hello": 4, "world": 5, "!": 6,
                      "un": 7, "##aff": 8, "##able": 9, ",": 10}}
})";

TEST(WordPieceTokenizer, EncodesAndDecodesKnownIds) {
  const auto tokenizer = Tokenizer::from_json(kWordPieceTokenizer, "bert.json");
  EXPECT_EQ(tokenizer.encode("Hello, unaffable World!"), (Ids{2, 4, 10, 7, 8, 9, 5, 6, 3}));
  EXPECT_EQ(tokenizer.encode("Héllo 你", false), (Ids{4, 1}));       // accents stripped, CJK isolated
  EXPECT_EQ(tokenizer.encode("unaffableunaffable", false), (Ids{1}));  // longer than max_input_chars_per_word
  EXPECT_EQ(tokenizer.encode("unable", false), (Ids{7, 9}));
  EXPECT_EQ(tokenizer.encode("unknown", false), (Ids{1}));            // one unknown piece: whole word unknown
  EXPECT_EQ(tokenizer.decode({2, 4, 10, 7, 8, 9, 5, 6, 3}, true), "hello, unaffable world!");
}

// Copies share state, and one tokenizer may encode from several threads.
TEST(TokenizerSharing, CopiesAndConcurrentCallsAgree) {
  const auto original = Tokenizer::from_json(kWordPieceTokenizer, "bert.json");
  const Tokenizer copy = original;  // NOLINT(performance-unnecessary-copy-initialization): the copy is the point
  const std::string text = "Hello, unaffable World! unable hello";
  const Ids expected = original.encode(text);
  EXPECT_EQ(copy.encode(text), expected);

  constexpr int kThreads = 4;
  constexpr int kRepeats = 200;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRepeats; ++i) {
        if (copy.encode(text) != expected || copy.decode(expected, true) != "hello, unaffable world! unable hello") {
          ++mismatches;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace beamline::tokenizer
