#include "worker/tokenizer/byte_level_alphabet.h"

#include <array>

#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer::byte_level {
namespace {

constexpr char32_t kFirstShifted = 0x100;  // where GPT-2 puts the unprintable bytes
constexpr std::size_t kReverseTableSize = 0x144;

struct Alphabet {
  std::array<std::string, 256> char_of_byte;
  std::array<int, kReverseTableSize> byte_of_char;

  Alphabet() {
    byte_of_char.fill(-1);
    auto printable = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    char32_t next_shifted = kFirstShifted;
    for (int b = 0; b < 256; ++b) {
      const char32_t c = printable(b) ? static_cast<char32_t>(b) : next_shifted++;
      char_of_byte[static_cast<std::size_t>(b)] = utf8::encode(c);
      byte_of_char[c] = b;
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet instance;
  return instance;
}

}  // namespace

const std::string& char_for_byte(std::uint8_t byte) { return alphabet().char_of_byte[byte]; }

std::optional<std::uint8_t> byte_for_char(char32_t code_point) {
  if (code_point >= kReverseTableSize) return std::nullopt;
  const int byte = alphabet().byte_of_char[code_point];
  if (byte < 0) return std::nullopt;
  return static_cast<std::uint8_t>(byte);
}

std::string encode_bytes(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (const char c : text) out += char_for_byte(static_cast<std::uint8_t>(c));
  return out;
}

}  // namespace beamline::tokenizer::byte_level
