#pragma once
// The two whole-word models: WordLevel (a word is one token or <unk>) and
// WordPiece (greedy longest-prefix match with a "##" continuation prefix).
#include <cstddef>
#include <optional>
#include <string>

#include "worker/tokenizer/model.h"

namespace beamline::tokenizer {

class WordLevelModel final : public Model {
 public:
  WordLevelModel(Vocabulary vocabulary, std::optional<std::string> unk_token);
  void tokenize(const std::string& word, std::vector<std::int32_t>& ids, WordCache& cache) const override;
  const Vocabulary& vocabulary() const override { return vocabulary_; }

 private:
  Vocabulary vocabulary_;
  std::optional<std::string> unk_token_;
  std::optional<std::int32_t> unk_id_;
};

class WordPieceModel final : public Model {
 public:
  WordPieceModel(Vocabulary vocabulary, std::string unk_token, std::string continuing_subword_prefix,
                 std::size_t max_input_chars_per_word);
  void tokenize(const std::string& word, std::vector<std::int32_t>& ids, WordCache& cache) const override;
  const Vocabulary& vocabulary() const override { return vocabulary_; }

 private:
  std::int32_t unk_id() const;

  Vocabulary vocabulary_;
  std::string unk_token_;
  std::string continuing_subword_prefix_;
  std::size_t max_input_chars_per_word_;
};

}  // namespace beamline::tokenizer
