#pragma once
// The model turns one pre-tokenized word into ids. Implementations: BPE,
// WordLevel, WordPiece. Immutable after loading.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "worker/tokenizer/json_node.h"
#include "worker/tokenizer/vocabulary.h"

namespace beamline::tokenizer {

// Ids of words already tokenized during one encode call. Owned by the caller
// so the model itself stays immutable and shareable across threads.
using WordCache = std::unordered_map<std::string, std::vector<std::int32_t>>;

class Model {
 public:
  virtual ~Model() = default;
  // Appends the ids of `word` to `ids`.
  virtual void tokenize(const std::string& word, std::vector<std::int32_t>& ids, WordCache& cache) const = 0;
  virtual const Vocabulary& vocabulary() const = 0;
};

// Builds the model a tokenizer.json "model" object describes. Files that omit
// "type" get it inferred as Hugging Face does: merges mean BPE, a vocab with
// max_input_chars_per_word means WordPiece, a plain vocab means WordLevel.
std::unique_ptr<Model> make_model(const JsonNode& node);

}  // namespace beamline::tokenizer
