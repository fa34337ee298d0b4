#include "worker/engine/golden_run.h"

#include <ATen/ATen.h>

#include "worker/engine/greedy_decoder.h"
#include "worker/judge/judges.h"

namespace beamline::engine {

std::string decode_output(const runtime::LoadedModel& model, const std::vector<int64_t>& tokens) {
  return model.decode(tokens, /*skip_special_tokens=*/true);
}

std::shared_ptr<protection::Protection> new_protection(const runtime::LoadedModel& model, const ProtectionSetup& setup) {
  return protection::make_protection(setup.options, model.config(), setup.offline_bounds.get());
}

GoldenRun run_golden(runtime::LoadedModel& model, const judge::DatasetInput& input, const ProtectionSetup& setup,
                     const GenerationSettings& settings) {
  GoldenRun golden;
  golden.prompt_ids = model.encode(input.prompt);
  golden.protection = new_protection(model, setup);
  runtime::HookSet hooks;
  if (golden.protection) golden.protection->attach_to(hooks, golden.protection);

  SingleRun run = generate_single(model, golden.prompt_ids, &hooks, settings.max_new_tokens);
  golden.steps = run.steps;
  golden.seconds = run.seconds;
  golden.first_token_seconds = run.first_token_seconds;
  golden.cache = std::move(run.cache);
  golden.tokens = run.row.tokens;
  golden.finite = !run.row.non_finite;
  golden.text = decode_output(model, golden.tokens);
  golden.correct = judge::is_correct(input.task, golden.text, input.answers, input.option_count);
  if (golden.protection && golden.protection->corrections().defined()) {
    golden.corrections = golden.protection->corrections().sum().item<int64_t>();
  }
  return golden;
}

}  // namespace beamline::engine
