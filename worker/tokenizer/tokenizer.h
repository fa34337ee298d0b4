#pragma once
// A Hugging Face tokenizer.json, loaded once and then used read-only: encode
// reproduces the `tokenizers` library's ids, decode its text.
//
// Pipeline (as upstream): split out added tokens -> normalizer ->
// pre-tokenizer -> model (BPE / WordLevel / WordPiece) -> post-processor
// (special tokens); decode: ids -> token strings -> decoder.
// Not applied: the file's "truncation" and "padding" sections (callers batch
// and cut sequences themselves), pair encodings, offsets.
//
// Copies share one immutable state, so a Tokenizer is cheap to copy and safe
// to use from several threads at once.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beamline::tokenizer {

class Tokenizer {
 public:
  // Throws beamline::Error naming the file and the field, and what was
  // expected, for a missing or malformed file or an unsupported component.
  static Tokenizer from_file(const std::string& path);
  // The same from JSON text; `source_name` stands in for the file in errors.
  static Tokenizer from_json(std::string_view json_text, const std::string& source_name);

  // Throws beamline::Error when `text` is not valid UTF-8.
  std::vector<std::int32_t> encode(std::string_view text, bool add_special_tokens = true) const;
  // Throws beamline::Error for an id outside the vocabulary, naming the id
  // and the vocabulary size.
  std::string decode(const std::vector<std::int32_t>& ids, bool skip_special_tokens = false) const;

  // Largest id + 1, added tokens included.
  std::int32_t vocab_size() const;
  std::optional<std::int32_t> token_to_id(std::string_view token) const;
  std::optional<std::string> id_to_token(std::int32_t id) const;
  // True for added tokens marked special (BOS, EOS, <|im_end|>, ...).
  bool is_special_token(std::int32_t id) const;

 private:
  struct State;  // defined in tokenizer_state.h

  explicit Tokenizer(std::shared_ptr<const State> state);

  std::shared_ptr<const State> state_;
};

}  // namespace beamline::tokenizer
