#include "worker/tokenizer/word_models.h"

#include "common/error.h"
#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {

WordLevelModel::WordLevelModel(Vocabulary vocabulary, std::optional<std::string> unk_token)
    : vocabulary_(std::move(vocabulary)), unk_token_(std::move(unk_token)) {
  if (unk_token_) unk_id_ = vocabulary_.find(*unk_token_);
}

void WordLevelModel::tokenize(const std::string& word, std::vector<std::int32_t>& ids, WordCache&) const {
  if (const auto id = vocabulary_.find(word)) {
    ids.push_back(*id);
  } else if (unk_id_) {
    ids.push_back(*unk_id_);
  } else {
    throw Error("WordLevel model has no token for \"" + word + "\" and no unk_token in its vocabulary" +
                (unk_token_ ? " (unk_token \"" + *unk_token_ + "\" is not in model.vocab)" : std::string()));
  }
}

WordPieceModel::WordPieceModel(Vocabulary vocabulary, std::string unk_token, std::string continuing_subword_prefix,
                               std::size_t max_input_chars_per_word)
    : vocabulary_(std::move(vocabulary)),
      unk_token_(std::move(unk_token)),
      continuing_subword_prefix_(std::move(continuing_subword_prefix)),
      max_input_chars_per_word_(max_input_chars_per_word) {}

std::int32_t WordPieceModel::unk_id() const {
  const auto id = vocabulary_.find(unk_token_);
  if (!id) throw Error("WordPiece unk_token \"" + unk_token_ + "\" is not in model.vocab");
  return *id;
}

void WordPieceModel::tokenize(const std::string& word, std::vector<std::int32_t>& ids, WordCache&) const {
  std::vector<std::size_t> boundaries;  // byte offset of every character, plus the end
  for (std::size_t pos = 0; pos < word.size(); pos += utf8::decode_at(word, pos).length) boundaries.push_back(pos);
  boundaries.push_back(word.size());
  if (boundaries.size() - 1 > max_input_chars_per_word_) {
    ids.push_back(unk_id());
    return;
  }
  std::vector<std::int32_t> pieces;
  std::size_t start = 0;  // index into boundaries
  std::string candidate;
  while (start + 1 < boundaries.size()) {
    std::optional<std::int32_t> found;
    std::size_t end = boundaries.size() - 1;
    for (; end > start; --end) {
      candidate.clear();
      if (start > 0) candidate = continuing_subword_prefix_;
      candidate.append(word, boundaries[start], boundaries[end] - boundaries[start]);
      found = vocabulary_.find(candidate);
      if (found) break;
    }
    if (!found) {
      ids.push_back(unk_id());  // one unknown piece makes the whole word unknown
      return;
    }
    pieces.push_back(*found);
    start = end;
  }
  ids.insert(ids.end(), pieces.begin(), pieces.end());
}

}  // namespace beamline::tokenizer
