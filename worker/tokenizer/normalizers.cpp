#include "worker/tokenizer/normalizers.h"

#include <utf8proc.h>

#include <cstdlib>
#include <optional>
#include <vector>

#include "common/error.h"
#include "worker/tokenizer/byte_level_alphabet.h"
#include "worker/tokenizer/regex.h"
#include "worker/tokenizer/split_pattern.h"
#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {
namespace {

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
  void normalize(std::string& text) const override {
    for (const auto& step : steps_) step->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

// Prepend and Append leave an empty piece empty, as Hugging Face does; that
// is why an empty prompt encodes to no tokens at all.
class PrependNormalizer final : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

class AppendNormalizer final : public Normalizer {
 public:
  explicit AppendNormalizer(std::string suffix) : suffix_(std::move(suffix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text += suffix_;
  }

 private:
  std::string suffix_;
};

class ReplaceNormalizer final : public Normalizer {
 public:
  ReplaceNormalizer(std::string literal, std::optional<Regex> regex, std::string content)
      : literal_(std::move(literal)), regex_(std::move(regex)), content_(std::move(content)) {}
  void normalize(std::string& text) const override {
    if (regex_) {
      text = regex_->replace_all(text, content_);
      return;
    }
    std::string out;
    std::size_t copied = 0;
    for (const ByteRange& match : find_literal(text, literal_)) {
      out.append(text, copied, match.begin - copied);
      out += content_;
      copied = match.end;
    }
    out.append(text, copied, std::string::npos);
    text = std::move(out);
  }

 private:
  std::string literal_;
  std::optional<Regex> regex_;
  std::string content_;
};

class UnicodeNormalizer final : public Normalizer {
 public:
  explicit UnicodeNormalizer(int options) : options_(options) {}
  void normalize(std::string& text) const override {
    if (text.empty()) return;
    utf8proc_uint8_t* result = nullptr;
    const utf8proc_ssize_t length = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(text.data()), static_cast<utf8proc_ssize_t>(text.size()),
        &result, static_cast<utf8proc_option_t>(options_ | UTF8PROC_STABLE));
    if (length < 0) throw Error(std::string("unicode normalisation failed: ") + utf8proc_errmsg(length));
    text.assign(reinterpret_cast<const char*>(result), static_cast<std::size_t>(length));
    std::free(result);
  }

 private:
  int options_;
};

constexpr int kNfc = UTF8PROC_COMPOSE;
constexpr int kNfd = UTF8PROC_DECOMPOSE;
constexpr int kNfkc = UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
constexpr int kNfkd = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;

std::string lowercase(const std::string& text) {
  constexpr char32_t kCapitalIWithDot = 0x130;  // the one full mapping to two characters
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8::DecodedChar decoded = utf8::decode_at(text, pos);
    pos += decoded.length;
    if (decoded.code_point == kCapitalIWithDot) {
      out += "i\xCC\x87";
      continue;
    }
    utf8::append(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(decoded.code_point))));
  }
  return out;
}

class LowercaseNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = lowercase(text); }
};

class StripNormalizer final : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& text) const override {
    std::string_view view = text;
    if (left_) view = utf8::trim_whitespace_left(view);
    if (right_) view = utf8::trim_whitespace_right(view);
    text = std::string(view);
  }

 private:
  bool left_;
  bool right_;
};

bool is_nonspacing_mark(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c)) == UTF8PROC_CATEGORY_MN;
}

std::string strip_accents(const std::string& text) {
  std::string out;
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8::DecodedChar decoded = utf8::decode_at(text, pos);
    if (!is_nonspacing_mark(decoded.code_point)) out.append(text, pos, decoded.length);
    pos += decoded.length;
  }
  return out;
}

// Rewrites every byte as GPT-2's stand-in character (the ByteLevel
// pre-tokenizer's transformation, offered by upstream as a normalizer too).
class ByteLevelNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = byte_level::encode_bytes(text); }
};

class StripAccentsNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = strip_accents(text); }
};

bool is_cjk_ideograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_bert_control(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_CF ||
         category == UTF8PROC_CATEGORY_CO || category == UTF8PROC_CATEGORY_CS;
}

// BERT's cleaning: drop NUL, U+FFFD and control characters, map whitespace to
// a space, surround CJK ideographs with spaces, then accents and case.
class BertNormalizer final : public Normalizer {
 public:
  BertNormalizer(bool clean_text, bool handle_chinese_chars, bool strip_accents, bool lowercase)
      : clean_text_(clean_text),
        handle_chinese_chars_(handle_chinese_chars),
        strip_accents_(strip_accents),
        lowercase_(lowercase) {}
  void normalize(std::string& text) const override {
    std::string out;
    for (std::size_t pos = 0; pos < text.size();) {
      const utf8::DecodedChar decoded = utf8::decode_at(text, pos);
      pos += decoded.length;
      const char32_t c = decoded.code_point;
      if (clean_text_) {
        if (c == 0 || c == utf8::kReplacementChar || is_bert_control(c)) continue;
        if (utf8::is_whitespace(c)) {
          out += ' ';
          continue;
        }
      }
      if (handle_chinese_chars_ && is_cjk_ideograph(c)) {
        out += ' ';
        utf8::append(out, c);
        out += ' ';
        continue;
      }
      utf8::append(out, c);
    }
    if (strip_accents_) {
      UnicodeNormalizer(kNfd).normalize(out);
      out = strip_accents(out);
    }
    if (lowercase_) out = lowercase(out);
    text = std::move(out);
  }

 private:
  bool clean_text_;
  bool handle_chinese_chars_;
  bool strip_accents_;
  bool lowercase_;
};

std::unique_ptr<Normalizer> make_replace(const JsonNode& node) {
  const JsonNode pattern = node.at("pattern");
  std::string content = node.at("content").as_string();
  if (const auto literal = pattern.find("String")) {
    return std::make_unique<ReplaceNormalizer>(literal->as_string(), std::nullopt, std::move(content));
  }
  if (const auto regex = pattern.find("Regex")) {
    try {
      return std::make_unique<ReplaceNormalizer>("", Regex(regex->as_string()), std::move(content));
    } catch (const Error& e) {
      regex->fail(e.what());
    }
  }
  pattern.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const JsonNode& node) {
  if (node.is_null()) return nullptr;
  const std::string type = node.type();
  if (type == "Sequence") {
    const JsonNode list = node.at("normalizers");
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      if (auto step = make_normalizer(list.at(i))) steps.push_back(std::move(step));
    }
    return std::make_unique<SequenceNormalizer>(std::move(steps));
  }
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(node.at("prepend").as_string());
  if (type == "Append") return std::make_unique<AppendNormalizer>(node.at("append").as_string());
  if (type == "Replace") return make_replace(node);
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(kNfc);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(kNfd);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(kNfkc);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(kNfkd);
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "ByteLevel") return std::make_unique<ByteLevelNormalizer>();
  if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
  if (type == "Strip") {
    return std::make_unique<StripNormalizer>(node.bool_or("strip_left", true), node.bool_or("strip_right", true));
  }
  if (type == "BertNormalizer") {
    const bool lowercase = node.bool_or("lowercase", true);
    // strip_accents null means "follow lowercase", as in BERT's original code.
    const bool strip = node.bool_or("strip_accents", lowercase);
    return std::make_unique<BertNormalizer>(node.bool_or("clean_text", true),
                                            node.bool_or("handle_chinese_chars", true), strip, lowercase);
  }
  node.at("type").fail("unsupported normalizer type \"" + type +
                       "\" (supported: Sequence, Prepend, Append, Replace, NFC, NFD, NFKC, NFKD, "
                       "Lowercase, Strip, StripAccents, BertNormalizer, ByteLevel)");
}

}  // namespace beamline::tokenizer
