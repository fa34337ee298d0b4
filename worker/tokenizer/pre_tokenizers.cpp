#include "worker/tokenizer/pre_tokenizers.h"

#include <optional>
#include <string>

#include "common/error.h"
#include "worker/tokenizer/byte_level_alphabet.h"
#include "worker/tokenizer/regex.h"
#include "worker/tokenizer/split_pattern.h"
#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {
namespace {

// GPT-2's word pattern, used by ByteLevel when use_regex is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
// Whitespace pre-tokenizer: words or runs of other non-space characters.
constexpr const char* kWhitespacePattern = R"(\w+|[^\w\s]+)";
constexpr const char* kMetaspaceChar = "\xE2\x96\x81";  // U+2581 "▁"

template <typename SplitOne>
void split_each(std::vector<Piece>& pieces, SplitOne&& split_one) {
  std::vector<Piece> out;
  out.reserve(pieces.size());
  for (const Piece& piece : pieces) split_one(piece, out);
  pieces = std::move(out);
}

const Regex& gpt2_regex() {
  static const Regex regex(kGpt2Pattern);
  return regex;
}

class ByteLevelPreTokenizer final : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_each(pieces, [&](const Piece& piece, std::vector<Piece>& out) {
      Piece spaced = piece;
      if (add_prefix_space_ && spaced.text.rfind(' ', 0) != 0) spaced.text.insert(0, " ");
      if (!use_regex_) {
        out.push_back(std::move(spaced));
        return;
      }
      split_piece(spaced, spans_from_matches(gpt2_regex().find_all(spaced.text), spaced.text.size()),
                  SplitBehavior::isolated, out);
    });
    for (Piece& piece : pieces) piece.text = byte_level::encode_bytes(piece.text);
  }

 private:
  bool add_prefix_space_;
  bool use_regex_;
};

enum class PrependScheme { always, first, never };

// Spaces become "▁"; a "▁" is prepended per the scheme; each "▁" then starts
// a new word.
class MetaspacePreTokenizer final : public PreTokenizer {
 public:
  MetaspacePreTokenizer(std::string replacement, PrependScheme scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_each(pieces, [&](const Piece& piece, std::vector<Piece>& out) {
      Piece replaced{std::string(), piece.at_input_start};
      for (const char c : piece.text) {
        if (c == ' ') {
          replaced.text += replacement_;
        } else {
          replaced.text += c;
        }
      }
      const bool starts_with_replacement = replaced.text.rfind(replacement_, 0) == 0;
      const bool prepend = !starts_with_replacement &&
                           (scheme_ == PrependScheme::always ||
                            (scheme_ == PrependScheme::first && piece.at_input_start));
      if (prepend) replaced.text.insert(0, replacement_);
      if (!split_) {
        out.push_back(std::move(replaced));
        return;
      }
      split_piece(replaced, spans_from_matches(find_literal(replaced.text, replacement_), replaced.text.size()),
                  SplitBehavior::merged_with_next, out);
    });
  }

 private:
  std::string replacement_;
  PrependScheme scheme_;
  bool split_;
};

class SplitPreTokenizer final : public PreTokenizer {
 public:
  SplitPreTokenizer(std::string literal, std::optional<Regex> regex, SplitBehavior behavior, bool invert)
      : literal_(std::move(literal)), regex_(std::move(regex)), behavior_(behavior), invert_(invert) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_each(pieces, [&](const Piece& piece, std::vector<Piece>& out) {
      const std::vector<ByteRange> matches =
          regex_ ? regex_->find_all(piece.text) : find_literal(piece.text, literal_);
      std::vector<MatchSpan> spans = spans_from_matches(matches, piece.text.size());
      if (invert_) invert(spans);
      split_piece(piece, spans, behavior_, out);
    });
  }

 private:
  std::string literal_;
  std::optional<Regex> regex_;
  SplitBehavior behavior_;
  bool invert_;
};

// Splits on characters of one class (whitespace, digits, punctuation).
class CharClassPreTokenizer final : public PreTokenizer {
 public:
  CharClassPreTokenizer(bool (*predicate)(char32_t), SplitBehavior behavior)
      : predicate_(predicate), behavior_(behavior) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_each(pieces, [&](const Piece& piece, std::vector<Piece>& out) {
      split_piece(piece, spans_from_matches(find_chars(piece.text, predicate_), piece.text.size()), behavior_, out);
    });
  }

 private:
  bool (*predicate_)(char32_t);
  SplitBehavior behavior_;
};

// Keeps the matches of \w+|[^\w\s]+ and drops everything between them.
class WhitespacePreTokenizer final : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    static const Regex regex(kWhitespacePattern);
    split_each(pieces, [&](const Piece& piece, std::vector<Piece>& out) {
      std::vector<MatchSpan> spans = spans_from_matches(regex.find_all(piece.text), piece.text.size());
      invert(spans);
      split_piece(piece, spans, SplitBehavior::removed, out);
    });
  }
};

class SequencePreTokenizer final : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps) : steps_(std::move(steps)) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    for (const auto& step : steps_) step->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

SplitBehavior parse_behavior(const JsonNode& node) {
  const std::string name = node.as_string();
  if (name == "Removed") return SplitBehavior::removed;
  if (name == "Isolated") return SplitBehavior::isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::merged_with_previous;
  if (name == "MergedWithNext") return SplitBehavior::merged_with_next;
  if (name == "Contiguous") return SplitBehavior::contiguous;
  node.fail("unknown split behavior \"" + name +
            "\" (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)");
}

std::unique_ptr<PreTokenizer> make_split(const JsonNode& node) {
  const JsonNode pattern = node.at("pattern");
  const SplitBehavior behavior = parse_behavior(node.at("behavior"));
  const bool invert = node.bool_or("invert", false);
  if (const auto literal = pattern.find("String")) {
    return std::make_unique<SplitPreTokenizer>(literal->as_string(), std::nullopt, behavior, invert);
  }
  if (const auto regex = pattern.find("Regex")) {
    try {
      return std::make_unique<SplitPreTokenizer>("", Regex(regex->as_string()), behavior, invert);
    } catch (const Error& e) {
      regex->fail(e.what());
    }
  }
  pattern.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

std::unique_ptr<PreTokenizer> make_metaspace(const JsonNode& node) {
  const std::string replacement = node.has("replacement") ? utf8::encode(node.at("replacement").as_char())
                                                          : std::string(kMetaspaceChar);
  // Older files say add_prefix_space; newer ones prepend_scheme. add_prefix_space
  // false means never, whatever else is written.
  PrependScheme scheme = PrependScheme::always;
  if (const auto declared = node.find("prepend_scheme")) {
    const std::string name = declared->as_string();
    if (name == "always") {
      scheme = PrependScheme::always;
    } else if (name == "first") {
      scheme = PrependScheme::first;
    } else if (name == "never") {
      scheme = PrependScheme::never;
    } else {
      declared->fail("unknown prepend_scheme \"" + name + "\" (expected always, first or never)");
    }
  }
  if (!node.bool_or("add_prefix_space", true)) scheme = PrependScheme::never;
  return std::make_unique<MetaspacePreTokenizer>(replacement, scheme, node.bool_or("split", true));
}

bool is_bert_punctuation(char32_t c) { return utf8::is_punctuation(c); }

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonNode& node) {
  if (node.is_null()) return nullptr;
  const std::string type = node.type();
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevelPreTokenizer>(node.bool_or("add_prefix_space", true),
                                                   node.bool_or("use_regex", true));
  }
  if (type == "Metaspace") return make_metaspace(node);
  if (type == "Split") return make_split(node);
  if (type == "Whitespace") return std::make_unique<WhitespacePreTokenizer>();
  if (type == "WhitespaceSplit") {
    return std::make_unique<CharClassPreTokenizer>(&utf8::is_whitespace, SplitBehavior::removed);
  }
  if (type == "Digits") {
    return std::make_unique<CharClassPreTokenizer>(
        &utf8::is_ascii_digit,
        node.bool_or("individual_digits", false) ? SplitBehavior::isolated : SplitBehavior::contiguous);
  }
  if (type == "Punctuation") {
    SplitBehavior behavior = SplitBehavior::isolated;
    if (const auto declared = node.find("behavior")) behavior = parse_behavior(*declared);
    return std::make_unique<CharClassPreTokenizer>(&utf8::is_punctuation, behavior);
  }
  if (type == "BertPreTokenizer") {
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    steps.push_back(std::make_unique<CharClassPreTokenizer>(&utf8::is_whitespace, SplitBehavior::removed));
    steps.push_back(std::make_unique<CharClassPreTokenizer>(&is_bert_punctuation, SplitBehavior::isolated));
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  if (type == "Sequence") {
    const JsonNode list = node.at("pretokenizers");
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      if (auto step = make_pre_tokenizer(list.at(i))) steps.push_back(std::move(step));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  node.at("type").fail("unsupported pre_tokenizer type \"" + type +
                       "\" (supported: ByteLevel, Metaspace, Split, Sequence, Whitespace, "
                       "WhitespaceSplit, Digits, Punctuation, BertPreTokenizer)");
}

}  // namespace beamline::tokenizer
