#pragma once
// Added tokens (special or not) are cut out of the input before the model
// sees it. Tokens with normalized=false are matched on the raw text; the
// others on each normalized remainder, against their own normalized content
// (so Llama's "<s>" is looked for as "▁<s>"), exactly as Hugging Face does.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "worker/tokenizer/normalizers.h"
#include "worker/tokenizer/piece.h"

namespace beamline::tokenizer {

struct AddedToken {
  std::int32_t id = 0;
  std::string content;
  bool single_word = false;  // only match when not inside a word
  bool lstrip = false;       // swallow whitespace on the left
  bool rstrip = false;       // swallow whitespace on the right
  bool normalized = true;    // match after normalisation rather than on raw text
  bool special = false;      // skipped by decode(skip_special_tokens = true)
};

// A stretch of input: either an added token or text still to be tokenized.
struct Segment {
  Piece piece;
  std::optional<std::int32_t> added_id;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // `normalizer` (may be null) turns normalized tokens into their patterns.
  AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer);

  // Splits `text` on added tokens and normalizes the rest (with `normalizer`,
  // which may be null). Empty stretches are dropped.
  std::vector<Segment> split(std::string_view text, const Normalizer* normalizer) const;

  std::optional<std::int32_t> find(const std::string& content) const;
  const AddedToken* token(std::int32_t id) const;
  bool is_special(const std::string& content) const { return special_contents_.count(content) != 0; }
  std::int32_t id_upper_bound() const;

 private:
  // Leftmost-longest matcher over a handful of literal patterns.
  struct Matcher {
    std::vector<std::string> patterns;
    std::vector<std::int32_t> token_ids;
    // Pattern indices by first byte, longest first.
    std::array<std::vector<std::size_t>, 256> by_first_byte;
    void add(std::string pattern, std::int32_t token_id);
    // Earliest match at or after `from`: {begin, pattern index}, or npos begin.
    std::pair<std::size_t, std::size_t> next(std::string_view text, std::size_t from) const;
  };

  void split_on(const Piece& piece, const Matcher& matcher, std::vector<Segment>& out) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<std::string, std::int32_t> ids_by_content_;
  std::unordered_map<std::int32_t, std::size_t> index_by_id_;
  std::unordered_set<std::string> special_contents_;
  Matcher raw_matcher_;
  Matcher normalized_matcher_;
};

}  // namespace beamline::tokenizer
