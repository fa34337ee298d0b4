#pragma once
// A tiny random model whose vocabulary holds the option letters A-D, and a
// choice evaluation set on which chance is meaningful: questions whose
// golden answer is the letter the fault-free model prefers by
// log-likelihood, picked so every letter is the answer equally often (a
// model that answers at random, or always the same letter, scores 1/4).
#include <memory>
#include <string>
#include <vector>

#include "tests/worker/runtime/tiny_models.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::weightfaults::testing {

// Writes a tiny Llama (or OPT) into `dir` whose tokens 3..6 are "A".."D".
void write_letter_model(const std::string& dir, const runtime::testing::TinySpec& spec);

// Random prompts over the model's word tokens, `per_letter` of them for
// each golden letter. Fails the current test if the model never prefers
// some letter.
std::vector<judge::DatasetInput> balanced_choice_set(const runtime::LoadedModel& model, int per_letter,
                                                     uint64_t salt);

// Writes inputs as a JSONL dataset.
void write_dataset(const std::string& path, const std::vector<judge::DatasetInput>& inputs);

}  // namespace beamline::weightfaults::testing
