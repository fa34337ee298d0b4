#pragma once
// A compiled PCRE2 pattern in Unicode mode (UTF + UCP), the closest Debian has
// to the Oniguruma engine the Hugging Face files were written for: \p{L},
// \p{N}, look-ahead and (?i:...) all behave the same. Immutable once built and
// safe to share between threads (match data is per call).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace beamline::tokenizer {

struct ByteRange {
  std::size_t begin;
  std::size_t end;
};

class Regex {
 public:
  // Throws beamline::Error with PCRE2's message and the offending offset.
  explicit Regex(const std::string& pattern);

  // Every non-overlapping match, left to right. `text` must be valid UTF-8
  // (checked once by the caller; PCRE2's own check would be per call).
  std::vector<ByteRange> find_all(std::string_view text) const;

  // Copy of `text` with every match replaced by `replacement` (literal).
  std::string replace_all(std::string_view text, std::string_view replacement) const;

  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::shared_ptr<void> code_;  // pcre2_code_8, freed by its deleter
};

}  // namespace beamline::tokenizer
