#pragma once
// The evaluation of a (possibly corrupted) model on a fixed set of inputs,
// the unit a weight-fault trial measures: accuracy, how many inputs saw a
// non-finite logit, and how many values a protection corrected.
//
// Choice questions are scored by generation (the letter the model writes,
// judged by the choice judge) or by log-likelihood (choice_loglik.h); other
// tasks are always scored by generation with their judge. An input with a
// non-finite logit counts as wrong.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "worker/engine/golden_run.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::weightfaults {

enum class ChoiceScoring { generation, loglikelihood };

// "generate"/"generation", "loglik"/"loglikelihood". Throws beamline::Error
// naming --scoring.
ChoiceScoring parse_choice_scoring(std::string_view text);
// "generate" or "loglik" (the CLI's names).
std::string to_string(ChoiceScoring scoring);

struct EvalOptions {
  ChoiceScoring choice_scoring = ChoiceScoring::generation;
  int64_t default_max_new_tokens = 32;  // inputs without their own max_new_tokens
  int64_t batch_size = 16;              // inputs per forward batch
};

struct InputVerdict {
  bool correct = false;
  bool non_finite = false;
  std::string output;  // generated text, or the chosen letter under loglik ("" when none)
};

struct EvalSummary {
  int64_t inputs = 0;
  int64_t correct = 0;
  int64_t non_finite = 0;
  int64_t corrections = 0;  // values the protection changed, all inputs together
  std::vector<InputVerdict> verdicts;  // per input, in order

  double accuracy() const { return inputs == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(inputs); }
};

// Evaluates `inputs` on the model as it is now (faults applied or not),
// with a fresh protection per batch (null setup kind: none).
EvalSummary evaluate(runtime::LoadedModel& model, const std::vector<judge::DatasetInput>& inputs,
                     const engine::ProtectionSetup& protection, const EvalOptions& options);

}  // namespace beamline::weightfaults
