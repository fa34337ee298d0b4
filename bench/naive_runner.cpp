#include "bench/naive_runner.h"

#include <ATen/ATen.h>

#include "worker/injection/activation_injector.h"
#include "worker/judge/judges.h"
#include "worker/runtime/generate.h"

namespace beamline::bench {
namespace {

struct Generation {
  std::vector<int64_t> tokens;
  bool non_finite = false;
};

Generation generate_once(runtime::LoadedModel& model, const std::vector<int64_t>& prompt, int64_t max_new_tokens,
                         const runtime::HookSet& hooks) {
  Generation out;
  runtime::GenerateOptions options;
  options.max_new_tokens = max_new_tokens;
  options.hooks = &hooks;
  options.on_logits = [&out](int64_t, const at::Tensor& logits) {
    out.non_finite = out.non_finite || !at::isfinite(logits).all().item<bool>();
  };
  out.tokens = runtime::generate(model.model(), {prompt}, options).tokens[0];
  return out;
}

}  // namespace

NaiveGolden naive_golden(runtime::LoadedModel& model, const judge::DatasetInput& input,
                         const engine::ProtectionSetup& setup) {
  NaiveGolden golden;
  golden.prompt_ids = model.encode(input.prompt);
  runtime::HookSet hooks;
  const auto guard = engine::new_protection(model, setup);
  if (guard) guard->attach_to(hooks, guard);
  golden.tokens = generate_once(model, golden.prompt_ids, input.max_new_tokens, hooks).tokens;
  return golden;
}

engine::Outcome naive_trial(runtime::LoadedModel& model, const judge::DatasetInput& input,
                            const engine::ProtectionSetup& setup, const NaiveGolden& golden,
                            const sites::ActivationSite& site) {
  auto injector = std::make_shared<injection::ActivationInjector>(
      std::vector<std::optional<sites::ActivationSite>>{site}, injection::hook_point_format(model.model().numerics()));
  runtime::HookSet hooks;
  for (const auto& point : injector->points()) hooks.attach(point, injector);
  const auto guard = engine::new_protection(model, setup);
  if (guard) guard->attach_to(hooks, guard);
  const Generation run = generate_once(model, golden.prompt_ids, input.max_new_tokens, hooks);
  if (run.non_finite) return engine::Outcome::due;
  if (run.tokens == golden.tokens) return engine::Outcome::masked_identical;
  const std::string text = model.decode(run.tokens, /*skip_special_tokens=*/true);
  return judge::is_correct(input.task, text, input.answers, input.option_count) ? engine::Outcome::masked_correct
                                                                                 : engine::Outcome::sdc;
}

}  // namespace beamline::bench
