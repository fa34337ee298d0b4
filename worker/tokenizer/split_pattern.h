#pragma once
// Splitting a piece around the matches of a pattern, with the five delimiter
// behaviours of Hugging Face's SplitDelimiterBehavior. Pre-tokenizers and the
// Split pre-tokenizer are all built from these.
#include <string>
#include <string_view>
#include <vector>

#include "worker/tokenizer/piece.h"
#include "worker/tokenizer/regex.h"

namespace beamline::tokenizer {

enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

// Contiguous spans covering the whole text, each flagged as a match or not.
struct MatchSpan {
  std::size_t begin;
  std::size_t end;
  bool is_match;
};

std::vector<MatchSpan> spans_from_matches(const std::vector<ByteRange>& matches,
                                          std::size_t text_size);

// Non-overlapping occurrences of `needle` (nothing for an empty needle).
std::vector<ByteRange> find_literal(std::string_view text, std::string_view needle);

// Every character for which `predicate` holds, one match per character.
std::vector<ByteRange> find_chars(std::string_view text, bool (*predicate)(char32_t));

void invert(std::vector<MatchSpan>& spans);

// Appends the non-empty sub-pieces of `piece` to `out`.
void split_piece(const Piece& piece, const std::vector<MatchSpan>& spans, SplitBehavior behavior,
                 std::vector<Piece>& out);

}  // namespace beamline::tokenizer
