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

std::shared_ptr<const PrefillState> golden_prefill_state(const GoldenRun& golden) {
  auto state = std::make_shared<PrefillState>();
  state->block_inputs = golden.block_inputs;
  state->corrections_before = golden.prefill_corrections_before;
  state->cache = golden.cache;
  state->protection = golden.protection;
  state->first_token = golden.tokens.empty() ? -1 : golden.tokens[0];
  return state;
}

GoldenRun run_golden(runtime::LoadedModel& model, const judge::DatasetInput& input, const ProtectionSetup& setup,
                     const GenerationSettings& settings) {
  GoldenRun golden;
  golden.prompt_ids = model.encode(input.prompt);
  golden.protection = new_protection(model, setup);
  runtime::HookSet hooks;
  if (golden.protection) golden.protection->attach_to(hooks, golden.protection);

  // Read after every step of the golden run: cheap on the CPU, where the
  // counter can be read in place.
  const auto corrected_so_far = [&golden]() -> int64_t {
    if (!golden.protection || !golden.protection->corrections().defined()) return 0;
    const at::Tensor& counts = golden.protection->corrections();
    if (!counts.device().is_cpu() || !counts.is_contiguous()) return counts.sum().item<int64_t>();
    const int64_t* c = counts.data_ptr<int64_t>();
    int64_t total = 0;
    for (int64_t i = 0; i < counts.numel(); ++i) total += c[i];
    return total;
  };
  runtime::BlockInputObserver keep;
  if (settings.keep_block_inputs) {
    keep = [&golden, &corrected_so_far](int64_t block, const at::Tensor& hidden) {
      if (block != static_cast<int64_t>(golden.block_inputs.size())) return;  // only a full run's blocks, in order
      golden.block_inputs.push_back(hidden);
      golden.prefill_corrections_before.push_back(corrected_so_far());
    };
  }
  int64_t counted = 0;
  const auto per_step = [&golden, &counted, &corrected_so_far](int64_t) {
    const int64_t total = corrected_so_far();
    golden.step_corrections.push_back(total - counted);
    counted = total;
  };
  SingleRun run = generate_single(model, golden.prompt_ids, &hooks, settings.max_new_tokens, keep, per_step);
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
