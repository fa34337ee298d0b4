#include "worker/engine/trial_engine.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "worker/engine/greedy_decoder.h"
#include "worker/injection/activation_injector.h"
#include "worker/judge/judges.h"

namespace beamline::engine {

std::optional<int64_t> first_difference(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  const size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    if (a[i] != b[i]) return static_cast<int64_t>(i);
  }
  if (a.size() != b.size()) return static_cast<int64_t>(common);
  return std::nullopt;
}

Outcome classify(const std::vector<int64_t>& tokens, bool non_finite, const std::vector<int64_t>& control_tokens,
                 const std::string& text, const judge::DatasetInput& input) {
  if (non_finite) return Outcome::due;
  if (tokens == control_tokens) return Outcome::masked_identical;
  return judge::is_correct(input.task, text, input.answers, input.option_count) ? Outcome::masked_correct
                                                                                 : Outcome::sdc;
}

TrialEngine::TrialEngine(runtime::LoadedModel& model, ProtectionSetup protection, EngineOptions options)
    : model_(model), protection_(std::move(protection)), options_(options) {
  options_.max_batch = std::max<int64_t>(options_.max_batch, 2);
}

std::vector<TrialResult> TrialEngine::run(const judge::DatasetInput& input, const GoldenRun& golden,
                                          const std::vector<TrialRequest>& requests) {
  std::vector<TrialResult> results(requests.size());
  // Group by fault step; a site past the golden generation never fires.
  std::map<int64_t, std::vector<size_t>> by_step;
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& req = requests[i];
    if (req.site.step >= golden.steps) {
      TrialResult& r = results[i];
      r.trial_index = req.trial_index;
      r.site = req.site;
      r.tokens = golden.tokens;
      r.text = golden.text;
      r.outcome = golden.finite ? Outcome::masked_identical : Outcome::due;
      continue;
    }
    by_step[req.site.step].push_back(i);
  }
  const auto per_batch = static_cast<size_t>(options_.max_batch - 1);
  for (const auto& [step, indices] : by_step) {
    for (size_t begin = 0; begin < indices.size(); begin += per_batch) {
      const size_t end = std::min(indices.size(), begin + per_batch);
      std::vector<TrialRequest> batch;
      for (size_t k = begin; k < end; ++k) batch.push_back(requests[indices[k]]);
      std::vector<TrialResult> batch_results = run_batch(input, golden, step, batch);
      for (size_t k = begin; k < end; ++k) results[indices[k]] = std::move(batch_results[k - begin]);
    }
  }
  return results;
}

std::vector<TrialResult> TrialEngine::run_batch(const judge::DatasetInput& input, const GoldenRun& golden,
                                                int64_t step, const std::vector<TrialRequest>& requests) {
  const auto start = std::chrono::steady_clock::now();
  runtime::CausalLM& lm = model_.model();
  const auto rows = static_cast<int64_t>(requests.size()) + 1;  // row 0 is the control

  std::vector<std::optional<sites::ActivationSite>> row_sites(1, std::nullopt);
  for (const auto& req : requests) row_sites.emplace_back(req.site);
  auto injector = std::make_shared<injection::ActivationInjector>(
      row_sites, injection::hook_point_format(lm.numerics()));

  // Prefix: the golden cache and protection state of the first `step` steps.
  const at::Tensor all_from_golden = at::zeros({rows}, at::kLong);
  const auto prompt_length = static_cast<int64_t>(golden.prompt_ids.size());
  runtime::KVCache cache;
  std::shared_ptr<protection::Protection> guard;
  at::Tensor input_ids;
  std::vector<RowDecode> decoded(static_cast<size_t>(rows));
  if (step == 0) {
    cache = lm.new_cache(rows, prompt_length + options_.generation.max_new_tokens);
    guard = new_protection(model_, protection_);
    input_ids = at::tensor(golden.prompt_ids, at::kLong).view({1, -1}).expand({rows, prompt_length}).contiguous();
  } else {
    cache = golden.cache.select_rows(all_from_golden.to(lm.device()));
    cache.truncate(prompt_length + step - 1);
    if (golden.protection) {
      guard = golden.protection->with_rows(all_from_golden);
      guard->clear_corrections();
    }
    input_ids = at::full({rows, 1}, golden.tokens[static_cast<size_t>(step - 1)], at::kLong);
    for (auto& row : decoded) row.tokens.assign(golden.tokens.begin(), golden.tokens.begin() + step);
  }

  // The injector runs before the protection at a shared point: the fault
  // happens in the layer, the protection sees its result.
  runtime::HookSet hooks;
  for (const auto& point : injector->points()) hooks.attach(point, injector);
  if (guard) guard->attach_to(hooks, guard);

  const DecodeSettings decode = decode_settings(model_, options_.generation.max_new_tokens, &hooks);

  std::vector<TrialResult> results(requests.size());
  std::string error;
  try {
    runtime::StepOptions first;
    first.step = step;
    first.hooks = &hooks;
    const at::Tensor logits = lm.forward_step(input_ids, at::Tensor(), cache, first);
    decode_greedy(lm, cache, logits, step + 1, decode, decoded);
  } catch (const std::exception& e) {
    // A fault-free control cannot fail for a fault; everything in the batch
    // is due, with the reason kept.
    error = e.what();
  }
  const double share = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                       static_cast<double>(requests.size());

  std::vector<int64_t> corrections(static_cast<size_t>(rows), 0);
  if (guard && guard->corrections().defined() && error.empty()) {
    const at::Tensor counts = guard->corrections().to(at::kCPU).contiguous();
    for (int64_t r = 0; r < rows; ++r) corrections[static_cast<size_t>(r)] = counts[r].item<int64_t>();
  }
  const RowDecode& control = decoded[0];
  for (size_t i = 0; i < requests.size(); ++i) {
    const RowDecode& row = decoded[i + 1];
    TrialResult& r = results[i];
    r.trial_index = requests[i].trial_index;
    r.site = requests[i].site;
    r.seconds = share;
    r.injected = injector->injected()[i + 1];
    r.value_before = injector->value_before()[i + 1];
    r.value_after = injector->value_after()[i + 1];
    if (!error.empty()) {
      r.outcome = Outcome::due;
      r.error = error;
      continue;
    }
    r.tokens = row.tokens;
    r.text = decode_output(model_, row.tokens);
    r.corrections = corrections[i + 1];
    r.first_divergence_step = first_difference(row.tokens, control.tokens);
    r.outcome = classify(row.tokens, row.non_finite, control.tokens, r.text, input);
  }
  return results;
}

}  // namespace beamline::engine
