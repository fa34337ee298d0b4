#include "tests/worker/weightfaults/choice_model.h"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/rng.h"
#include "worker/weightfaults/choice_loglik.h"

namespace beamline::weightfaults::testing {

void write_letter_model(const std::string& dir, const runtime::testing::TinySpec& spec) {
  runtime::testing::write_tiny_model(dir, spec);
  nlohmann::json tokenizer = nlohmann::json::parse(runtime::testing::tokenizer_json(spec.vocab_size));
  auto& vocab = tokenizer["model"]["vocab"];
  for (int i = 0; i < 4; ++i) {
    vocab.erase("w" + std::to_string(3 + i));
    vocab[std::string(1, static_cast<char>('A' + i))] = 3 + i;
  }
  std::ofstream(dir + "/tokenizer.json") << tokenizer.dump(2);
}

std::vector<judge::DatasetInput> balanced_choice_set(const runtime::LoadedModel& model, int per_letter,
                                                     uint64_t salt) {
  constexpr int kCandidates = 64;  // scored per batch
  constexpr int kMaxRounds = 200;
  const int64_t vocab = model.config().vocab_size;
  std::array<int, 4> have{};
  std::vector<judge::DatasetInput> chosen;
  uint64_t next_prompt = 0;
  for (int round = 0; round < kMaxRounds && static_cast<int>(chosen.size()) < 4 * per_letter; ++round) {
    std::vector<judge::DatasetInput> candidates;
    for (int c = 0; c < kCandidates; ++c, ++next_prompt) {
      CounterRng rng(salt, "choice-prompts", next_prompt);
      judge::DatasetInput input;
      input.task = judge::TaskKind::choice;
      input.option_count = 4;
      input.max_new_tokens = 1;
      const auto length = 3 + static_cast<int>(rng.uniform_below(6));
      for (int w = 0; w < length; ++w) {
        const int64_t id = 7 + static_cast<int64_t>(rng.uniform_below(static_cast<uint64_t>(vocab - 7)));
        input.prompt += (w == 0 ? "w" : " w") + std::to_string(id);
      }
      candidates.push_back(input);
    }
    std::vector<const judge::DatasetInput*> questions;
    for (const auto& c : candidates) questions.push_back(&c);
    const auto scores = score_choices(model, questions, nullptr);
    for (size_t i = 0; i < candidates.size(); ++i) {
      const int letter = scores[i].chosen;
      if (letter < 0 || have[static_cast<size_t>(letter)] >= per_letter) continue;
      ++have[static_cast<size_t>(letter)];
      judge::DatasetInput input = candidates[i];
      input.answers = {std::string(1, static_cast<char>('A' + letter))};
      input.id = "q" + std::to_string(chosen.size());
      input.line = static_cast<int>(chosen.size()) + 1;
      chosen.push_back(input);
    }
  }
  EXPECT_EQ(chosen.size(), static_cast<size_t>(4 * per_letter)) << "the model rarely prefers some letter";
  return chosen;
}

void write_dataset(const std::string& path, const std::vector<judge::DatasetInput>& inputs) {
  std::ofstream out(path);
  for (const auto& input : inputs) {
    nlohmann::json line;
    line["id"] = input.id;
    line["prompt"] = input.prompt;
    line["answer"] = input.answers.at(0);
    line["task"] = "choice";
    line["options"] = {"one", "two", "three", "four"};
    if (input.max_new_tokens > 0) line["max_new_tokens"] = input.max_new_tokens;
    out << line.dump() << "\n";
  }
}

}  // namespace beamline::weightfaults::testing
