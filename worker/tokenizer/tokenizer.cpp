#include "worker/tokenizer/tokenizer.h"

#include <algorithm>

#include "common/error.h"
#include "worker/tokenizer/tokenizer_state.h"
#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {

Tokenizer::Tokenizer(std::shared_ptr<const State> state) : state_(std::move(state)) {}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  const std::size_t invalid_at = utf8::find_invalid(text);
  if (invalid_at != std::string_view::npos) {
    throw Error("cannot encode: text is not valid UTF-8 (bad byte at offset " + std::to_string(invalid_at) + ")");
  }
  std::vector<std::int32_t> ids;
  WordCache cache;  // per call: the state stays immutable and thread-safe
  std::vector<Piece> words;
  for (Segment& segment : state_->added_tokens.split(text, state_->normalizer.get())) {
    if (segment.added_id) {
      ids.push_back(*segment.added_id);
      continue;
    }
    words.clear();
    words.push_back(std::move(segment.piece));
    if (state_->pre_tokenizer) state_->pre_tokenizer->pre_tokenize(words);
    for (const Piece& word : words) state_->model->tokenize(word.text, ids, cache);
  }
  if (add_special_tokens && state_->post_processor) state_->post_processor->add_special_tokens(ids);
  return ids;
}

std::string Tokenizer::decode(const std::vector<std::int32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (const std::int32_t id : ids) {
    std::optional<std::string> token = id_to_token(id);
    if (!token) {
      throw Error(state_->source + ": cannot decode token id " + std::to_string(id) +
                  ": outside the vocabulary (size " + std::to_string(vocab_size()) + ")");
    }
    if (skip_special_tokens && state_->added_tokens.is_special(*token)) continue;
    tokens.push_back(std::move(*token));
  }
  if (!state_->decoder) {
    std::string joined;
    for (std::size_t i = 0; i < tokens.size(); ++i) joined += (i == 0 ? "" : " ") + tokens[i];
    return joined;
  }
  std::string text;
  for (const std::string& piece : state_->decoder->decode_chain(std::move(tokens))) text += piece;
  return text;
}

std::int32_t Tokenizer::vocab_size() const {
  return std::max(state_->model->vocabulary().id_upper_bound(), state_->added_tokens.id_upper_bound());
}

std::optional<std::int32_t> Tokenizer::token_to_id(std::string_view token) const {
  const std::string key(token);
  if (const auto id = state_->added_tokens.find(key)) return id;
  return state_->model->vocabulary().find(key);
}

std::optional<std::string> Tokenizer::id_to_token(std::int32_t id) const {
  if (const AddedToken* added = state_->added_tokens.token(id)) return added->content;
  if (const std::string* token = state_->model->vocabulary().token(id)) return *token;
  return std::nullopt;
}

bool Tokenizer::is_special_token(std::int32_t id) const {
  const AddedToken* added = state_->added_tokens.token(id);
  return added != nullptr && added->special;
}

}  // namespace beamline::tokenizer
