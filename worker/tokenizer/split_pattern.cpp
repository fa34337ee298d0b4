#include "worker/tokenizer/split_pattern.h"

#include <algorithm>

#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {

std::vector<MatchSpan> spans_from_matches(const std::vector<ByteRange>& matches,
                                          std::size_t text_size) {
  std::vector<MatchSpan> spans;
  if (text_size == 0) return {{0, 0, false}};
  std::size_t previous_end = 0;
  for (const ByteRange& match : matches) {
    if (previous_end != match.begin) spans.push_back({previous_end, match.begin, false});
    spans.push_back({match.begin, match.end, true});
    previous_end = match.end;
  }
  if (previous_end != text_size) spans.push_back({previous_end, text_size, false});
  return spans;
}

std::vector<ByteRange> find_literal(std::string_view text, std::string_view needle) {
  std::vector<ByteRange> matches;
  if (needle.empty()) return matches;
  std::size_t pos = text.find(needle);
  while (pos != std::string_view::npos) {
    matches.push_back({pos, pos + needle.size()});
    pos = text.find(needle, pos + needle.size());
  }
  return matches;
}

std::vector<ByteRange> find_chars(std::string_view text, bool (*predicate)(char32_t)) {
  std::vector<ByteRange> matches;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const utf8::DecodedChar decoded = utf8::decode_at(text, pos);
    if (predicate(decoded.code_point)) matches.push_back({pos, pos + decoded.length});
    pos += decoded.length;
  }
  return matches;
}

void invert(std::vector<MatchSpan>& spans) {
  for (MatchSpan& span : spans) span.is_match = !span.is_match;
}

namespace {

// (begin, end, keep) after applying a behaviour; mirrors NormalizedString::split.
struct KeptRange {
  std::size_t begin;
  std::size_t end;
  bool removed;
};

std::vector<KeptRange> apply_behavior(const std::vector<MatchSpan>& spans, SplitBehavior behavior) {
  std::vector<KeptRange> ranges;
  switch (behavior) {
    case SplitBehavior::removed:
      for (const MatchSpan& s : spans) ranges.push_back({s.begin, s.end, s.is_match});
      break;
    case SplitBehavior::isolated:
      for (const MatchSpan& s : spans) ranges.push_back({s.begin, s.end, false});
      break;
    case SplitBehavior::contiguous: {
      bool previous_match = false;
      for (const MatchSpan& s : spans) {
        if (s.is_match == previous_match && !ranges.empty()) {
          ranges.back().end = s.end;
        } else {
          ranges.push_back({s.begin, s.end, false});
        }
        previous_match = s.is_match;
      }
      break;
    }
    case SplitBehavior::merged_with_previous: {
      bool previous_match = false;
      for (const MatchSpan& s : spans) {
        if (s.is_match && !previous_match && !ranges.empty()) {
          ranges.back().end = s.end;
        } else {
          ranges.push_back({s.begin, s.end, false});
        }
        previous_match = s.is_match;
      }
      break;
    }
    case SplitBehavior::merged_with_next: {
      // Walk backwards so a delimiter joins the piece that follows it.
      bool next_match = false;
      for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        if (it->is_match && !next_match && !ranges.empty()) {
          ranges.back().begin = it->begin;
        } else {
          ranges.push_back({it->begin, it->end, false});
        }
        next_match = it->is_match;
      }
      std::reverse(ranges.begin(), ranges.end());
      break;
    }
  }
  return ranges;
}

}  // namespace

void split_piece(const Piece& piece, const std::vector<MatchSpan>& spans, SplitBehavior behavior,
                 std::vector<Piece>& out) {
  for (const KeptRange& range : apply_behavior(spans, behavior)) {
    if (range.removed || range.end == range.begin) continue;
    out.push_back(Piece{piece.text.substr(range.begin, range.end - range.begin),
                        piece.at_input_start && range.begin == 0});
  }
}

}  // namespace beamline::tokenizer
