#include "worker/training/task_tokenizer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "worker/tasks/word_lists.h"

namespace beamline::training {
namespace {

const std::vector<std::string>& special_token_texts() {
  static const std::vector<std::string> texts = {"<pad>", "<unk>", "</s>"};
  return texts;
}

}  // namespace

int64_t task_vocab_size() {
  return SpecialTokens::count + static_cast<int64_t>(tasks::all_task_words().size());
}

nlohmann::json task_tokenizer_json() {
  nlohmann::json vocab = nlohmann::json::object();
  nlohmann::json added = nlohmann::json::array();
  int64_t id = 0;
  for (const std::string& text : special_token_texts()) {
    vocab[text] = id;
    added.push_back({{"id", id},
                     {"content", text},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", true}});
    ++id;
  }
  for (const std::string& word : tasks::all_task_words()) vocab[word] = id++;

  // No decoder: the tokenizers library then joins tokens with single spaces,
  // which is exactly how the task texts are written.
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", added},
          {"normalizer", nullptr},
          {"pre_tokenizer", {{"type", "WhitespaceSplit"}}},
          {"post_processor", nullptr},
          {"decoder", nullptr},
          {"model", {{"type", "WordLevel"}, {"vocab", vocab}, {"unk_token", "<unk>"}}}};
}

}  // namespace beamline::training
