#include "worker/weightfaults/accuracy_eval.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"
#include "worker/engine/greedy_decoder.h"
#include "worker/judge/judges.h"
#include "worker/judge/text_normalize.h"
#include "worker/runtime/generate.h"
#include "worker/weightfaults/choice_loglik.h"

namespace beamline::weightfaults {
namespace {

// A protection for one batch, attached to its own hook set.
struct BatchProtection {
  std::shared_ptr<protection::Protection> protection;
  runtime::HookSet hooks;

  BatchProtection(const runtime::LoadedModel& model, const engine::ProtectionSetup& setup)
      : protection(engine::new_protection(model, setup)) {
    if (protection) protection->attach_to(hooks, protection);
  }
  int64_t corrections() const {
    if (!protection || !protection->corrections().defined()) return 0;
    return protection->corrections().sum().item<int64_t>();
  }
};

int64_t budget_of(const judge::DatasetInput& input, const EvalOptions& options) {
  return input.max_new_tokens > 0 ? input.max_new_tokens : options.default_max_new_tokens;
}

// Greedy generation of inputs that share one token budget, as one batch.
void generate_batch(runtime::LoadedModel& model, const std::vector<size_t>& batch,
                    const std::vector<judge::DatasetInput>& inputs, const engine::ProtectionSetup& setup,
                    int64_t budget, EvalSummary& summary) {
  std::vector<std::vector<int64_t>> prompts;
  for (const size_t i : batch) prompts.push_back(model.encode(inputs[i].prompt));
  BatchProtection guard(model, setup);
  const engine::DecodeSettings decode = engine::decode_settings(model, budget, &guard.hooks);
  runtime::CausalLM& lm = model.model();
  const runtime::PromptBatch padded = runtime::left_pad(prompts, decode.pad_token_id, lm.device());
  runtime::KVCache cache = lm.new_cache(static_cast<int64_t>(batch.size()), padded.input_ids.size(1) + budget);
  runtime::StepOptions prefill;
  prefill.hooks = &guard.hooks;
  const at::Tensor logits = lm.forward_step(padded.input_ids, padded.attention_mask, cache, prefill);
  std::vector<engine::RowDecode> rows(batch.size());
  engine::decode_greedy(lm, cache, logits, 1, decode, rows);
  for (size_t r = 0; r < batch.size(); ++r) {
    const judge::DatasetInput& input = inputs[batch[r]];
    InputVerdict& verdict = summary.verdicts[batch[r]];
    verdict.non_finite = rows[r].non_finite;
    verdict.output = engine::decode_output(model, rows[r].tokens);
    verdict.correct = !verdict.non_finite && judge::is_correct(input.task, verdict.output, input.answers,
                                                               input.option_count);
  }
  summary.corrections += guard.corrections();
}

void loglik_batch(runtime::LoadedModel& model, const std::vector<size_t>& batch,
                  const std::vector<judge::DatasetInput>& inputs, const engine::ProtectionSetup& setup,
                  EvalSummary& summary) {
  std::vector<const judge::DatasetInput*> questions;
  for (const size_t i : batch) questions.push_back(&inputs[i]);
  BatchProtection guard(model, setup);
  const std::vector<ChoiceScore> scores = score_choices(model, questions, &guard.hooks);
  for (size_t r = 0; r < batch.size(); ++r) {
    const judge::DatasetInput& input = inputs[batch[r]];
    InputVerdict& verdict = summary.verdicts[batch[r]];
    verdict.non_finite = scores[r].non_finite;
    verdict.output = scores[r].chosen < 0 ? "" : std::string(1, static_cast<char>('A' + scores[r].chosen));
    verdict.correct = !verdict.non_finite && judge::is_correct(input.task, verdict.output, input.answers,
                                                               input.option_count);
  }
  summary.corrections += guard.corrections();
}

}  // namespace

ChoiceScoring parse_choice_scoring(std::string_view text) {
  if (text == "generate" || text == "generation") return ChoiceScoring::generation;
  if (text == "loglik" || text == "loglikelihood") return ChoiceScoring::loglikelihood;
  throw Error(fmt::format("--scoring '{}': expected generate or loglik", text));
}

std::string to_string(ChoiceScoring scoring) {
  return scoring == ChoiceScoring::generation ? "generate" : "loglik";
}

EvalSummary evaluate(runtime::LoadedModel& model, const std::vector<judge::DatasetInput>& inputs,
                     const engine::ProtectionSetup& protection, const EvalOptions& options) {
  if (options.batch_size < 1) throw Error("evaluation batch size: expected at least 1");
  EvalSummary summary;
  summary.inputs = static_cast<int64_t>(inputs.size());
  summary.verdicts.resize(inputs.size());
  const auto batch_size = static_cast<size_t>(options.batch_size);

  // Consecutive inputs go together while they share a scoring path (and, for
  // generation, a token budget), so a row never generates past its own.
  std::vector<size_t> batch;
  bool batch_loglik = false;
  int64_t batch_budget = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    if (batch_loglik) {
      loglik_batch(model, batch, inputs, protection, summary);
    } else {
      generate_batch(model, batch, inputs, protection, batch_budget, summary);
    }
    batch.clear();
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const bool loglik =
        inputs[i].task == judge::TaskKind::choice && options.choice_scoring == ChoiceScoring::loglikelihood;
    const int64_t budget = budget_of(inputs[i], options);
    if (!batch.empty() && (loglik != batch_loglik || (!loglik && budget != batch_budget) ||
                           batch.size() >= batch_size)) {
      flush();
    }
    batch_loglik = loglik;
    batch_budget = budget;
    batch.push_back(i);
  }
  flush();
  for (const InputVerdict& v : summary.verdicts) {
    summary.correct += v.correct;
    summary.non_finite += v.non_finite;
  }
  return summary;
}

}  // namespace beamline::weightfaults
