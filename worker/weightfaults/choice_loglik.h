#pragma once
// Multiple choice scored by log-likelihood, as the 000 study's MMLU harness
// does: the model "chooses" the option letter whose tokens are most likely
// after the prompt, log P(" B" | prompt), instead of generating text. An
// input's option_continuations replace the letters: the bundled models
// answer " brown so D", so each option is scored on its whole answer.
//
// An option's tokens are those encode(prompt + continuation) has beyond its
// common prefix with encode(prompt), so tokenizers that merge the space or
// add special tokens at either end are handled alike. All options of a
// question are one batch's rows, so their scores share the batch shape.
#include <cstdint>
#include <vector>

#include "worker/judge/dataset.h"
#include "worker/runtime/hooks.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::weightfaults {

struct ChoiceScore {
  std::vector<double> option_logprobs;  // per option letter A, B, ...; NaN when non-finite
  int chosen = -1;                      // the most likely option; -1 when non-finite
  bool non_finite = false;              // a non-finite logit where an option was scored
};

// Scores choice questions (task choice) in one forward step per group of
// `questions`. `hooks` (protections) run during the step, which is a
// prefill (step 0). Throws beamline::Error when an option letter adds no
// token after the prompt or the prompt encodes to nothing.
std::vector<ChoiceScore> score_choices(const runtime::LoadedModel& model,
                                       const std::vector<const judge::DatasetInput*>& questions,
                                       const runtime::HookSet* hooks);

}  // namespace beamline::weightfaults
