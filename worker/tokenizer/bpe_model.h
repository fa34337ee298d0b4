#pragma once
// Byte-pair encoding: split a word into characters (or byte-fallback tokens),
// then apply the lowest-ranked merge repeatedly, as Hugging Face's BPE does.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "worker/tokenizer/model.h"

namespace beamline::tokenizer {

struct BpeOptions {
  std::optional<std::string> unk_token;
  std::string continuing_subword_prefix;
  std::string end_of_word_suffix;
  bool fuse_unk = false;
  // SentencePiece style: a character missing from the vocabulary becomes its
  // UTF-8 bytes as "<0xXX>" tokens instead of <unk>.
  bool byte_fallback = false;
  // A word that is itself in the vocabulary is emitted whole (Llama-3 style).
  bool ignore_merges = false;
};

class BpeModel final : public Model {
 public:
  // `merges` in rank order. Fails via `merges_node` naming the merge whose
  // parts or result are not in the vocabulary.
  BpeModel(Vocabulary vocabulary, const std::vector<std::pair<std::string, std::string>>& merges,
           BpeOptions options, const JsonNode& merges_node);

  void tokenize(const std::string& word, std::vector<std::int32_t>& ids, WordCache& cache) const override;
  const Vocabulary& vocabulary() const override { return vocabulary_; }

 private:
  struct Merge {
    std::uint32_t rank;
    std::int32_t merged_id;
  };

  std::vector<std::int32_t> merge_word(const std::string& word) const;
  const Merge* find_merge(std::int32_t left, std::int32_t right) const;

  Vocabulary vocabulary_;
  std::unordered_map<std::uint64_t, Merge> merges_;  // key: left id << 32 | right id
  BpeOptions options_;
  std::optional<std::int32_t> unk_id_;
  std::array<std::optional<std::int32_t>, 256> byte_token_ids_;  // "<0x00>" .. "<0xFF>"
};

}  // namespace beamline::tokenizer
