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

namespace {

// Applies op to every pair of fields of a and b (one list of the fields).
template <typename Op>
void each_field(EngineStats& a, const EngineStats& b, Op op) {
  op(a.passes, b.passes);
  op(a.forward_steps, b.forward_steps);
  op(a.row_steps, b.row_steps);
  op(a.early_exits, b.early_exits);
  op(a.admitted, b.admitted);
  op(a.prefill_resumed, b.prefill_resumed);
  op(a.resume_rejected, b.resume_rejected);
  op(a.chunked_prefills, b.chunked_prefills);
  op(a.chunks_rejected, b.chunks_rejected);
  op(a.chunk_reruns, b.chunk_reruns);
  op(a.blocks_skipped, b.blocks_skipped);
  op(a.prefill_seconds, b.prefill_seconds);
  op(a.decode_seconds, b.decode_seconds);
  op(a.pass_seconds, b.pass_seconds);
}

}  // namespace

EngineStats& EngineStats::operator+=(const EngineStats& other) {
  each_field(*this, other, [](auto& a, const auto& b) { a += b; });
  return *this;
}

EngineStats EngineStats::operator-(const EngineStats& before) const {
  EngineStats out = *this;
  each_field(out, before, [](auto& a, const auto& b) { a -= b; });
  return out;
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

// A prefill batch resumes from the fault-free prefill of its own shape:
// the golden run's batch-1 prefill when the control row shows it is
// bit-identical to this width's, else one recorded from the control row of
// a batch of this width run from the embedding (the first such batch).
void TrialEngine::run_prefill_pass(const PassContext& ctx, PassPlan& plan, StepQueues& waiting,
                                   std::vector<TrialResult>& results, std::vector<size_t>* rerun_whole) {
  const GoldenRun& golden = ctx.golden;
  const int64_t rows = static_cast<int64_t>(plan.trials.size()) + 1;
  const int64_t blocks = model_.config().num_hidden_layers;
  int64_t first = blocks;
  for (size_t i : plan.trials) {
    if (ctx.requests[i].site.step == 0) first = std::min(first, ctx.requests[i].site.block);
  }
  PrefillStates& states = *golden.prefill_states;
  std::shared_ptr<const PrefillState> source;
  bool trying_golden = false;
  {
    std::lock_guard<std::mutex> lock(states.mutex);
    const auto known = states.by_rows.find(rows);
    if (known != states.by_rows.end()) {
      source = known->second;
    } else if (!golden_prefill_rejected_ && states.golden_rejected.count(rows) == 0 &&
               static_cast<int64_t>(golden.block_inputs.size()) == blocks) {
      source = golden_prefill_state(golden);
      trying_golden = true;
    }
  }
  if (source && first > 0) {
    plan.first_block = first;
    plan.resume_from = source;
    // A rejected chunked prefill is run again whole, which shows whether
    // the state resumed from was to blame; chunks stop either way.
    const bool chunkable = options_.prefill_chunks > 1 && rerun_whole != nullptr && !prefill_chunks_rejected_;
    plan.position_chunks = chunkable ? options_.prefill_chunks : 1;
    plan.rerun_whole = chunkable ? rerun_whole : nullptr;
    const size_t reruns_before = rerun_whole != nullptr ? rerun_whole->size() : 0;
    PassStatus status = run_pass(ctx, plan, waiting, results);
    if (status == PassStatus::chunks_rejected) {
      ++stats_.chunks_rejected;
      prefill_chunks_rejected_ = true;
      rerun_whole->resize(reruns_before);
      plan.position_chunks = 1;
      plan.rerun_whole = nullptr;
      status = run_pass(ctx, plan, waiting, results);
    }
    if (status == PassStatus::done) {
      if (trying_golden) {
        std::lock_guard<std::mutex> lock(states.mutex);
        states.by_rows.emplace(rows, source);
      }
      return;
    }
    ++stats_.resume_rejected;
    std::lock_guard<std::mutex> lock(states.mutex);
    if (trying_golden) {
      // The batch-1 prefill is not batch-invariant on this model and
      // device (measured: from 2 rows on for the bundled models); other
      // widths are not tried either, each costs a batch run twice.
      states.golden_rejected.insert(rows);
      golden_prefill_rejected_ = true;
    } else {
      states.by_rows.erase(rows);
    }
    source = nullptr;
  }
  plan.first_block = 0;
  plan.resume_from = nullptr;
  plan.position_chunks = 1;
  plan.rerun_whole = nullptr;
  PrefillState captured;
  if (!source) plan.capture = &captured;
  run_pass(ctx, plan, waiting, results);
  plan.capture = nullptr;
  if (!source && captured.first_token >= 0 && static_cast<int64_t>(captured.block_inputs.size()) == blocks) {
    std::lock_guard<std::mutex> lock(states.mutex);
    states.by_rows.emplace(rows, std::make_shared<const PrefillState>(std::move(captured)));
  }
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
  const bool resume = options_.prefill_resume && golden.prefill_states &&
                      (golden.protection != nullptr) == (protection_.options.kind != protection::ProtectionKind::none);
  if (resume) {
    // Batches of prefill faults in the same or nearby blocks resume late.
    std::stable_sort(prefill.begin(), prefill.end(),
                     [&](size_t a, size_t b) { return requests[a].site.block < requests[b].site.block; });
  }
  const auto per_batch = static_cast<size_t>(width - 1);
  std::vector<size_t> rerun_whole;
  for (size_t begin = 0; begin < prefill.size(); begin += per_batch) {
    PassPlan plan;
    plan.trials.assign(prefill.begin() + static_cast<std::ptrdiff_t>(begin),
                       prefill.begin() + static_cast<std::ptrdiff_t>(std::min(prefill.size(), begin + per_batch)));
    // A short last batch takes later-step trials (fault-free through the
    // prefill, faulted at their step as if they had joined there): the
    // rows are used, and prefill batches keep one shape, whose prefill
    // state can then be reused.
    while (plan.trials.size() < per_batch && !waiting.empty()) {
      auto queue = waiting.begin();
      plan.trials.push_back(queue->second.front());
      queue->second.pop_front();
      if (queue->second.empty()) waiting.erase(queue);
    }
    if (!resume) {
      run_pass(ctx, plan, waiting, results);
      continue;
    }
    run_prefill_pass(ctx, plan, waiting, results, &rerun_whole);
  }
  // Trials a chunked prefill could not run exactly, batched again whole.
  for (size_t begin = 0; begin < rerun_whole.size(); begin += per_batch) {
    PassPlan plan;
    plan.trials.assign(rerun_whole.begin() + static_cast<std::ptrdiff_t>(begin),
                       rerun_whole.begin() + static_cast<std::ptrdiff_t>(std::min(rerun_whole.size(), begin + per_batch)));
    run_prefill_pass(ctx, plan, waiting, results, nullptr);
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
