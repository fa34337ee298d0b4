#include "worker/tokenizer/decoders.h"

#include <cstdint>
#include <optional>

#include "common/error.h"
#include "worker/tokenizer/byte_level_alphabet.h"
#include "worker/tokenizer/regex.h"
#include "worker/tokenizer/split_pattern.h"
#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {
namespace {

std::string replace_literal(const std::string& text, const std::string& from, const std::string& to) {
  std::string out;
  std::size_t copied = 0;
  for (const ByteRange& match : find_literal(text, from)) {
    out.append(text, copied, match.begin - copied);
    out += to;
    copied = match.end;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

// All tokens to bytes through the GPT-2 alphabet, then one lossy UTF-8 string.
// A token with a character outside the alphabet (an added token such as
// "<|endoftext|>" with a plain space) contributes its own bytes unchanged.
class ByteLevelDecoder final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string bytes;
    std::string token_bytes;
    for (const std::string& token : tokens) {
      token_bytes.clear();
      bool in_alphabet = true;
      for (std::size_t pos = 0; pos < token.size() && in_alphabet;) {
        const utf8::DecodedChar decoded = utf8::decode_at(token, pos);
        pos += decoded.length;
        const auto byte = byte_level::byte_for_char(decoded.code_point);
        if (byte) {
          token_bytes += static_cast<char>(*byte);
        } else {
          in_alphabet = false;
        }
      }
      bytes += in_alphabet ? token_bytes : token;
    }
    return {utf8::decode_lossy(bytes)};
  }
};

class SequenceDecoder final : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (const auto& step : steps_) tokens = step->decode_chain(std::move(tokens));
    return tokens;
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(std::string literal, std::optional<Regex> regex, std::string content)
      : literal_(std::move(literal)), regex_(std::move(regex)), content_(std::move(content)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::string& token : tokens) {
      token = regex_ ? regex_->replace_all(token, content_) : replace_literal(token, literal_, content_);
    }
    return tokens;
  }

 private:
  std::string literal_;
  std::optional<Regex> regex_;
  std::string content_;
};

std::optional<std::uint8_t> parse_byte_token(const std::string& token) {
  constexpr std::size_t kByteTokenLength = 6;  // "<0xAB>"
  if (token.size() != kByteTokenLength || token.compare(0, 3, "<0x") != 0 || token.back() != '>') {
    return std::nullopt;
  }
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  const int high = hex(token[3]);
  const int low = hex(token[4]);
  if (high < 0 || low < 0) return std::nullopt;
  return static_cast<std::uint8_t>(high * 16 + low);
}

// Runs of "<0xXX>" tokens become the text they encode; a run that is not
// valid UTF-8 becomes one U+FFFD per byte (upstream's rule).
class ByteFallbackDecoder final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::vector<std::string> out;
    std::string pending_bytes;
    std::size_t pending_count = 0;
    auto flush = [&] {
      if (pending_count == 0) return;
      if (utf8::find_invalid(pending_bytes) == std::string::npos) {
        out.push_back(pending_bytes);
      } else {
        for (std::size_t i = 0; i < pending_count; ++i) out.push_back(utf8::encode(utf8::kReplacementChar));
      }
      pending_bytes.clear();
      pending_count = 0;
    };
    for (std::string& token : tokens) {
      if (const auto byte = parse_byte_token(token)) {
        pending_bytes += static_cast<char>(*byte);
        ++pending_count;
        continue;
      }
      flush();
      out.push_back(std::move(token));
    }
    flush();
    return out;
  }
};

class FuseDecoder final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string joined;
    for (const std::string& token : tokens) joined += token;
    return {joined};
  }
};

// Removes up to `start` leading and `stop` trailing copies of `content` from
// each token.
class StripDecoder final : public Decoder {
 public:
  StripDecoder(std::string content, std::size_t start, std::size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::string& token : tokens) {
      std::size_t begin = 0;
      for (std::size_t i = 0; i < start_ && token.compare(begin, content_.size(), content_) == 0; ++i) {
        begin += content_.size();
      }
      std::size_t end = token.size();
      for (std::size_t i = 0; i < stop_ && end >= begin + content_.size() &&
                              token.compare(end - content_.size(), content_.size(), content_) == 0;
           ++i) {
        end -= content_.size();
      }
      token = token.substr(begin, end - begin);
    }
    return tokens;
  }

 private:
  std::string content_;
  std::size_t start_;
  std::size_t stop_;
};

// "▁" back to spaces; in the first token every "▁" is dropped unless the
// pre-tokenizer never prepends one (upstream's rule, kept for identical text).
class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(std::string replacement, bool drop_in_first_token)
      : replacement_(std::move(replacement)), drop_in_first_token_(drop_in_first_token) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      tokens[i] = replace_literal(tokens[i], replacement_, i == 0 && drop_in_first_token_ ? "" : " ");
    }
    return tokens;
  }

 private:
  std::string replacement_;
  bool drop_in_first_token_;
};

std::string cleanup_tokenization_spaces(std::string text) {
  static const std::pair<const char*, const char*> kRules[] = {
      {" .", "."},    {" ?", "?"},    {" !", "!"},         {" ,", ","},    {" ' ", "'"},   {" n't", "n't"},
      {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kRules) text = replace_literal(text, from, to);
  return text;
}

class WordPieceDecoder final : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string& token = tokens[i];
      if (i != 0) {
        if (token.rfind(prefix_, 0) == 0) {
          token.erase(0, prefix_.size());
        } else {
          token.insert(0, " ");
        }
      }
      if (cleanup_) token = cleanup_tokenization_spaces(token);
    }
    return tokens;
  }

 private:
  std::string prefix_;
  bool cleanup_;
};

// BPE end-of-word suffixes ("</w>") become spaces, except on the last token.
class BpeSuffixDecoder final : public Decoder {
 public:
  explicit BpeSuffixDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      tokens[i] = replace_literal(tokens[i], suffix_, i + 1 == tokens.size() ? "" : " ");
    }
    return tokens;
  }

 private:
  std::string suffix_;
};

std::unique_ptr<Decoder> make_replace(const JsonNode& node) {
  const JsonNode pattern = node.at("pattern");
  std::string content = node.at("content").as_string();
  if (const auto literal = pattern.find("String")) {
    return std::make_unique<ReplaceDecoder>(literal->as_string(), std::nullopt, std::move(content));
  }
  if (const auto regex = pattern.find("Regex")) {
    try {
      return std::make_unique<ReplaceDecoder>("", Regex(regex->as_string()), std::move(content));
    } catch (const Error& e) {
      regex->fail(e.what());
    }
  }
  pattern.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

std::size_t as_count(const JsonNode& node, const std::string& key) {
  const std::int64_t value = node.int_or(key, 0);
  if (value < 0) node.at(key).fail("expected a non-negative count");
  return static_cast<std::size_t>(value);
}

std::unique_ptr<Decoder> make_metaspace(const JsonNode& node) {
  const std::string replacement =
      node.has("replacement") ? utf8::encode(node.at("replacement").as_char()) : std::string("\xE2\x96\x81");
  bool prepends = node.string_or("prepend_scheme", "always") != "never";
  if (!node.bool_or("add_prefix_space", true)) prepends = false;
  return std::make_unique<MetaspaceDecoder>(replacement, prepends);
}

}  // namespace

std::unique_ptr<Decoder> make_decoder(const JsonNode& node) {
  if (node.is_null()) return nullptr;
  const std::string type = node.type();
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Replace") return make_replace(node);
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    return std::make_unique<StripDecoder>(utf8::encode(node.at("content").as_char()), as_count(node, "start"),
                                          as_count(node, "stop"));
  }
  if (type == "Metaspace") return make_metaspace(node);
  if (type == "WordPiece") {
    return std::make_unique<WordPieceDecoder>(node.string_or("prefix", "##"), node.bool_or("cleanup", true));
  }
  if (type == "BPEDecoder") return std::make_unique<BpeSuffixDecoder>(node.string_or("suffix", "</w>"));
  if (type == "Sequence") {
    const JsonNode list = node.at("decoders");
    std::vector<std::unique_ptr<Decoder>> steps;
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      if (auto step = make_decoder(list.at(i))) steps.push_back(std::move(step));
    }
    return std::make_unique<SequenceDecoder>(std::move(steps));
  }
  node.at("type").fail("unsupported decoder type \"" + type +
                       "\" (supported: ByteLevel, Sequence, Replace, ByteFallback, Fuse, Strip, "
                       "Metaspace, WordPiece, BPEDecoder)");
}

}  // namespace beamline::tokenizer
