#include "worker/tokenizer/added_vocabulary.h"

#include <algorithm>

#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {
namespace {

// Last character of text[0, end) (end > 0).
char32_t char_before(std::string_view text, std::size_t end) {
  std::size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return utf8::decode_at(text, start).code_point;
}

}  // namespace

void AddedVocabulary::Matcher::add(std::string pattern, std::int32_t token_id) {
  if (pattern.empty()) return;
  const std::size_t index = patterns.size();
  auto& bucket = by_first_byte[static_cast<unsigned char>(pattern[0])];
  patterns.push_back(std::move(pattern));
  token_ids.push_back(token_id);
  bucket.push_back(index);
  std::stable_sort(bucket.begin(), bucket.end(),
                   [&](std::size_t a, std::size_t b) { return patterns[a].size() > patterns[b].size(); });
}

std::pair<std::size_t, std::size_t> AddedVocabulary::Matcher::next(std::string_view text, std::size_t from) const {
  if (patterns.empty()) return {std::string_view::npos, 0};
  for (std::size_t pos = from; pos < text.size(); ++pos) {
    for (const std::size_t index : by_first_byte[static_cast<unsigned char>(text[pos])]) {
      if (text.compare(pos, patterns[index].size(), patterns[index]) == 0) return {pos, index};
    }
  }
  return {std::string_view::npos, 0};
}

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer)
    : tokens_(std::move(tokens)) {
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    const AddedToken& token = tokens_[i];
    ids_by_content_[token.content] = token.id;
    index_by_id_[token.id] = i;
    if (token.special && !token.content.empty()) special_contents_.insert(token.content);
    if (!token.normalized) {
      raw_matcher_.add(token.content, token.id);
    } else {
      std::string pattern = token.content;
      if (normalizer != nullptr) normalizer->normalize(pattern);
      normalized_matcher_.add(std::move(pattern), token.id);
    }
  }
}

std::optional<std::int32_t> AddedVocabulary::find(const std::string& content) const {
  const auto it = ids_by_content_.find(content);
  if (it == ids_by_content_.end()) return std::nullopt;
  return it->second;
}

const AddedToken* AddedVocabulary::token(std::int32_t id) const {
  const auto it = index_by_id_.find(id);
  return it == index_by_id_.end() ? nullptr : &tokens_[it->second];
}

std::int32_t AddedVocabulary::id_upper_bound() const {
  std::int32_t bound = 0;
  for (const AddedToken& token : tokens_) bound = std::max(bound, token.id + 1);
  return bound;
}

void AddedVocabulary::split_on(const Piece& piece, const Matcher& matcher, std::vector<Segment>& out) const {
  const std::string_view text = piece.text;
  std::size_t emitted_until = 0;  // everything before this is already in `out`
  auto emit_text = [&](std::size_t begin, std::size_t end) {
    if (end > begin) {
      out.push_back(Segment{Piece{std::string(text.substr(begin, end - begin)), piece.at_input_start && begin == 0},
                            std::nullopt});
    }
  };
  std::size_t search_from = 0;
  while (true) {
    const auto [match_begin, pattern_index] = matcher.next(text, search_from);
    if (match_begin == std::string_view::npos) break;
    std::size_t begin = match_begin;
    std::size_t end = match_begin + matcher.patterns[pattern_index].size();
    search_from = end;
    const std::int32_t id = matcher.token_ids[pattern_index];
    const AddedToken& added = *token(id);
    if (added.single_word) {
      const bool word_before = begin > 0 && utf8::is_word_char(char_before(text, begin));
      const bool word_after = end < text.size() && utf8::is_word_char(utf8::decode_at(text, end).code_point);
      if (word_before || word_after) continue;
    }
    if (added.lstrip) {
      const std::size_t stripped = utf8::trim_whitespace_right(text.substr(0, begin)).size();
      begin = std::max(stripped, emitted_until);  // never reclaim text an earlier match took
    }
    if (added.rstrip) end = text.size() - utf8::trim_whitespace_left(text.substr(end)).size();
    emit_text(emitted_until, begin);
    out.push_back(Segment{Piece{std::string(text.substr(begin, end - begin)), false}, id});
    emitted_until = end;
    search_from = std::max(search_from, end);
  }
  emit_text(emitted_until, text.size());
}

std::vector<Segment> AddedVocabulary::split(std::string_view text, const Normalizer* normalizer) const {
  std::vector<Segment> raw_split;
  split_on(Piece{std::string(text), true}, raw_matcher_, raw_split);

  std::vector<Segment> segments;
  segments.reserve(raw_split.size());
  for (Segment& segment : raw_split) {
    if (segment.added_id) {
      segments.push_back(std::move(segment));
      continue;
    }
    if (normalizer != nullptr) normalizer->normalize(segment.piece.text);
    split_on(segment.piece, normalized_matcher_, segments);
  }
  return segments;
}

}  // namespace beamline::tokenizer
