#include "worker/engine/trial_engine.h"

#include <algorithm>

#include "worker/engine/batch_size.h"
#include "worker/engine/trial_pass.h"
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
  if (options_.max_batch != 0) options_.max_batch = std::max<int64_t>(options_.max_batch, 2);
}

int64_t TrialEngine::batch_rows(const GoldenRun& golden) const {
  if (options_.max_batch > 0) return options_.max_batch;
  return choose_batch_size(batch_size_inputs(model_, static_cast<int64_t>(golden.prompt_ids.size()),
                                             options_.generation.max_new_tokens));
}

std::vector<TrialResult> TrialEngine::run(const judge::DatasetInput& input, const GoldenRun& golden,
                                          const std::vector<TrialRequest>& requests) {
  std::vector<TrialResult> results(requests.size());
  std::vector<size_t> prefill;
  StepQueues waiting;
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& req = requests[i];
    if (req.site.step >= golden.steps) {
      // A site past the golden generation never fires.
      TrialResult& r = results[i];
      r.trial_index = req.trial_index;
      r.site = req.site;
      r.tokens = golden.tokens;
      r.text = golden.text;
      r.outcome = golden.finite ? Outcome::masked_identical : Outcome::due;
      continue;
    }
    if (req.site.step == 0) {
      prefill.push_back(i);
    } else {
      waiting[req.site.step].push_back(i);
    }
  }

  const int64_t width = batch_rows(golden);
  const PassContext ctx{model_, protection_, options_, width, input, golden, requests, stats_};
  const int64_t blocks = model_.config().num_hidden_layers;
  bool resume = options_.prefill_resume && static_cast<int64_t>(golden.block_inputs.size()) == blocks &&
                static_cast<int64_t>(golden.prefill_corrections_before.size()) == blocks &&
                (golden.protection != nullptr) == (protection_.options.kind != protection::ProtectionKind::none);
  if (resume) {
    // Batches of prefill faults in the same or nearby blocks resume late.
    std::stable_sort(prefill.begin(), prefill.end(),
                     [&](size_t a, size_t b) { return requests[a].site.block < requests[b].site.block; });
  }
  const auto per_batch = static_cast<size_t>(width - 1);
  for (size_t begin = 0; begin < prefill.size(); begin += per_batch) {
    PassPlan plan;
    plan.trials.assign(prefill.begin() + static_cast<std::ptrdiff_t>(begin),
                       prefill.begin() + static_cast<std::ptrdiff_t>(std::min(prefill.size(), begin + per_batch)));
    if (resume) {
      int64_t first = blocks;
      for (size_t i : plan.trials) first = std::min(first, requests[i].site.block);
      plan.first_block = std::max<int64_t>(first, 0);
    }
    if (run_pass(ctx, plan, waiting, results) == PassStatus::resume_rejected) {
      ++stats_.resume_rejected;
      resume = false;
      plan.first_block = 0;
      run_pass(ctx, plan, waiting, results);
    }
  }
  while (!waiting.empty()) {
    auto queue = waiting.begin();
    PassPlan plan;
    plan.start_step = queue->first;
    while (plan.trials.size() < per_batch && !queue->second.empty()) {
      plan.trials.push_back(queue->second.front());
      queue->second.pop_front();
    }
    if (queue->second.empty()) waiting.erase(queue);
    run_pass(ctx, plan, waiting, results);
  }
  return results;
}

}  // namespace beamline::engine
