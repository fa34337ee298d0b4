#pragma once
// The tokenizer.json of the bundled models: a WordLevel vocabulary over the
// tasks' closed word list (tasks/word_lists.h) with a WhitespaceSplit
// pre-tokenizer, so every generated text encodes without <unk> and decodes
// back to itself (tokens joined by single spaces).
#include <nlohmann/json_fwd.hpp>

#include <cstdint>

namespace beamline::training {

// Special token ids, fixed so config.json can name them without reading the
// tokenizer back.
struct SpecialTokens {
  static constexpr int64_t pad = 0;
  static constexpr int64_t unk = 1;
  static constexpr int64_t eos = 2;
  static constexpr int64_t count = 3;
};

// The whole tokenizer.json document.
nlohmann::json task_tokenizer_json();

// Special tokens plus every task word.
int64_t task_vocab_size();

}  // namespace beamline::training
