#pragma once
// UTF-8 helpers for the tokenizer. Everything past Tokenizer::encode's entry
// check works on valid UTF-8; decoding model output may not be valid, which is
// what decode_lossy is for.
#include <cstddef>
#include <string>
#include <string_view>

namespace beamline::tokenizer::utf8 {

constexpr char32_t kReplacementChar = 0xFFFD;

struct DecodedChar {
  char32_t code_point;
  std::size_t length;  // bytes consumed, >= 1
};

// Decodes the code point starting at text[pos]. Requires valid UTF-8.
DecodedChar decode_at(std::string_view text, std::size_t pos);

void append(std::string& out, char32_t code_point);
std::string encode(char32_t code_point);

// Byte offset of the first invalid sequence, or npos when `bytes` is valid.
std::size_t find_invalid(std::string_view bytes);

// Rust's String::from_utf8_lossy: each maximal invalid subpart becomes one
// U+FFFD. Hugging Face decoders use exactly this, so byte-level decoding of a
// cut-off multi-byte character matches theirs.
std::string decode_lossy(std::string_view bytes);

// Unicode White_Space, as Rust's char::is_whitespace.
bool is_whitespace(char32_t c);
// Regex \w in Unicode mode: letters, marks, decimal digits, connectors.
bool is_word_char(char32_t c);
// Unicode punctuation (general category P*) or ASCII punctuation.
bool is_punctuation(char32_t c);
bool is_ascii_digit(char32_t c);

std::string_view trim_whitespace_left(std::string_view text);
std::string_view trim_whitespace_right(std::string_view text);

}  // namespace beamline::tokenizer::utf8
