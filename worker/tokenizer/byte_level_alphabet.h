#pragma once
// GPT-2's reversible byte <-> printable character table: every byte maps to a
// code point that is neither whitespace nor a control character, so a BPE
// vocabulary over bytes can be stored as ordinary strings ("Ġ" is the space).
#include <cstdint>
#include <optional>
#include <string>

namespace beamline::tokenizer::byte_level {

// UTF-8 of the character that stands for `byte`.
const std::string& char_for_byte(std::uint8_t byte);

// Inverse of char_for_byte; nullopt for characters outside the alphabet.
std::optional<std::uint8_t> byte_for_char(char32_t code_point);

// Each byte of `text` replaced by its stand-in character.
std::string encode_bytes(const std::string& text);

}  // namespace beamline::tokenizer::byte_level
