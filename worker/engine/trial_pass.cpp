#include "worker/engine/trial_pass.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>

#include "worker/engine/greedy_decoder.h"
#include "worker/engine/pass.h"
#include "worker/engine/row_state.h"
#include "worker/engine/trial_engine.h"
#include "worker/injection/activation_injector.h"

namespace beamline::engine {
namespace pass_detail {

bool resuming(const PassPlan& plan) {
  return plan.start_step == 0 && plan.first_block > 0 && plan.resume_from != nullptr;
}

void Pass::start() {
  const GoldenRun& golden = ctx_.golden;
  const int64_t s0 = plan_.start_step;
  const auto prompt_length = static_cast<int64_t>(golden.prompt_ids.size());
  Row control;
  if (s0 > 0) {
    control.decode.tokens.assign(golden.tokens.begin(), golden.tokens.begin() + s0);
    control.next_token = golden.tokens[static_cast<size_t>(s0 - 1)];
  }
  if (resuming(plan_)) {
    control.corrections = plan_.resume_from->corrections_before[static_cast<size_t>(plan_.first_block)];
  }
  rows_.push_back(control);
  if (chunked()) plan_chunks(prompt_length);
  for (size_t request : plan_.trials) {
    if (chunked() && joins_later(request)) continue;
    Row row = trial_row(control, request);
    row.counting = row.fault_step == s0;
    rows_.push_back(row);
  }
  // Every row is a copy of the control yet, so any order will do: the
  // one decode steps need.
  std::stable_sort(rows_.begin() + 1, rows_.end(),
                   [](const Row& a, const Row& b) { return a.clean_blocks < b.clean_blocks; });
  const auto batch = static_cast<int64_t>(rows_.size());
  if (s0 == 0 && !resuming(plan_)) {
    cache_ = lm_.new_cache(batch, prompt_length + ctx_.options.generation.max_new_tokens);
    guard_ = new_protection(ctx_.model, ctx_.protection);
    return;
  }
  // Every row starts as a copy of the golden row (or of the prefill state
  // resumed from). A resumed prefill keeps the entries of the blocks it
  // skips: truncate() forgets columns (the mask) but leaves their contents,
  // and the step rewrites only the blocks it runs.
  const at::Tensor from_row0 = at::zeros({batch}, at::kLong);
  const runtime::KVCache& source_cache = s0 == 0 ? plan_.resume_from->cache : golden.cache;
  const auto& source_guard = s0 == 0 ? plan_.resume_from->protection : golden.protection;
  cache_ = source_cache.select_rows(from_row0.to(lm_.device()));
  cache_.truncate(s0 == 0 ? 0 : prompt_length + s0 - 1);
  if (source_guard) {
    guard_ = source_guard->with_rows(from_row0);
    guard_->clear_corrections();
  }
}

Row Pass::trial_row(const Row& from, size_t request) const {
  Row row = from;
  const sites::ActivationSite& site = ctx_.requests[request].site;
  row.request = static_cast<int64_t>(request);
  row.fault_step = site.step;
  row.clean_blocks = ctx_.options.skip_clean_blocks ? site.block : 0;
  row.skipped = false;
  return row;
}

std::vector<int64_t> Pass::first_blocks() const {
  if (!ctx_.options.skip_clean_blocks) return {};
  std::vector<int64_t> first(rows_.size(), 0);
  bool any = false;
  for (size_t r = 1; r < rows_.size(); ++r) {
    first[r] = rows_[r].clean_blocks;
    any = any || first[r] > 0;
  }
  if (!any) return {};
  return first;
}

at::Tensor Pass::forward_skipping(const at::Tensor& ids, runtime::StepOptions& options) {
  const std::vector<int64_t> first = first_blocks();
  if (first.empty()) return timed_forward(ids, options);
  options.row_first_block = first;
  const auto batch = static_cast<int64_t>(rows_.size());
  const int64_t blocks = lm_.config().num_hidden_layers;
  std::vector<int64_t> control_before(static_cast<size_t>(blocks + 1), 0);  // its count entering each block
  if (guard_) {
    guard_->count_rows(batch, lm_.device());
    const auto& guard = guard_;
    options.on_block_input = [inner = options.on_block_input, &control_before, &guard](int64_t block,
                                                                                        const at::Tensor& hidden) {
      if (inner) inner(block, hidden);
      control_before[static_cast<size_t>(block)] = guard->corrections()[0].item<int64_t>();
    };
  }
  at::Tensor logits = timed_forward(ids, options);
  const int64_t start = options.first_block;
  if (guard_) {
    control_before[static_cast<size_t>(blocks)] = guard_->corrections()[0].item<int64_t>();
    for (size_t r = 1; r < rows_.size(); ++r) {
      const int64_t entered = std::max(start, first[r]);
      rows_[r].corrections += control_before[static_cast<size_t>(entered)] - control_before[static_cast<size_t>(start)];
    }
    if (step_ == 0) guard_->complete_rows(batch);
  }
  for (size_t r = 1; r < rows_.size(); ++r) {
    const int64_t skipped = std::max<int64_t>(0, first[r] - start);
    rows_[r].skipped = rows_[r].skipped || skipped > 0;
    ctx_.stats.blocks_skipped += skipped;
  }
  return logits;
}

void Pass::sort_by_clean_blocks(std::vector<Row>& rows, std::vector<int64_t>& index) {
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin() + 1, order.end(),
                   [&rows](size_t a, size_t b) { return rows[a].clean_blocks < rows[b].clean_blocks; });
  std::vector<Row> sorted;
  std::vector<int64_t> sorted_index;
  for (size_t i : order) {
    sorted.push_back(std::move(rows[i]));
    sorted_index.push_back(index[i]);
  }
  rows = std::move(sorted);
  index = std::move(sorted_index);
}

bool Pass::in_block_order() const {
  for (size_t r = 2; r < rows_.size(); ++r) {
    if (rows_[r].clean_blocks < rows_[r - 1].clean_blocks) return false;
  }
  return true;
}

std::vector<std::pair<size_t, int64_t>> Pass::diverging(const std::vector<bool>& leaving) {
  std::vector<std::pair<size_t, int64_t>> rows;
  const std::vector<int64_t>& control = rows_[0].decode.tokens;
  for (size_t r = 1; r < rows_.size(); ++r) {
    Row& row = rows_[r];
    if (leaving[r] || row.clean_blocks == 0 || row.decode.tokens == control) continue;
    if (row.skipped) rows.emplace_back(r, row.clean_blocks);
    row.clean_blocks = 0;
  }
  return rows;
}

at::Tensor Pass::step_inputs(runtime::StepOptions& options) const {
  const auto batch = static_cast<int64_t>(rows_.size());
  if (step_ == 0) {
    const std::vector<int64_t>& prompt = ctx_.golden.prompt_ids;
    const auto length = static_cast<int64_t>(prompt.size());
    if (resuming(plan_)) {
      options.first_block = plan_.first_block;
      const at::Tensor& hidden = plan_.resume_from->block_inputs[static_cast<size_t>(plan_.first_block)];
      options.first_hidden = hidden.expand({batch, hidden.size(1), hidden.size(2)});
    } else if (plan_.capture != nullptr) {
      PrefillState* capture = plan_.capture;
      const auto& guard = guard_;
      options.on_block_input = [capture, &guard](int64_t, const at::Tensor& hidden) {
        capture->block_inputs.push_back(hidden.narrow(0, 0, 1).clone());
        const bool counted = guard && guard->corrections().defined();
        capture->corrections_before.push_back(counted ? guard->corrections()[0].item<int64_t>() : 0);
      };
    }
    return at::tensor(prompt, at::kLong).view({1, -1}).expand({batch, length}).contiguous();
  }
  std::vector<int64_t> feed;
  feed.reserve(rows_.size());
  for (const Row& row : rows_) feed.push_back(row.next_token);
  return at::tensor(feed, at::kLong).view({batch, 1});
}

std::shared_ptr<injection::ActivationInjector> Pass::injector_for(int64_t step) const {
  std::vector<std::optional<sites::ActivationSite>> sites(rows_.size());
  bool any = false;
  for (size_t r = 1; r < rows_.size(); ++r) {
    if (rows_[r].fault_step != step) continue;
    sites[r] = ctx_.requests[static_cast<size_t>(rows_[r].request)].site;
    any = true;
  }
  if (!any) return nullptr;
  return std::make_shared<injection::ActivationInjector>(std::move(sites),
                                                         injection::hook_point_format(lm_.numerics()));
}

// The control row of a resumed prefill must hold what the state resumed
// from holds: the KV entries of the blocks it ran, the first token and the
// protection's state. Otherwise resuming is not equivalent to running the
// prefill from the embedding in this batch shape.
bool Pass::resume_reproduces_source() const {
  const PrefillState& source = *plan_.resume_from;
  if (rows_[0].decode.tokens.empty() || rows_[0].decode.tokens[0] != source.first_token) return false;
  const auto prompt_length = static_cast<int64_t>(ctx_.golden.prompt_ids.size());
  if (!same_entries(cache_, 0, source.cache, 0, plan_.first_block, 0, prompt_length)) return false;
  return !guard_ || (source.protection && guard_->same_row_state(0, *source.protection, 0));
}

std::vector<bool> Pass::early_exits(int64_t step, int64_t first_column, int64_t columns) const {
  std::vector<bool> exits(rows_.size(), false);
  const Row& control = rows_[0];
  // A row that leaves takes the control's future, and the golden run's for
  // steps the pass does not run: both must be finite for that to be the
  // row's own future.
  if (!ctx_.options.early_exit || control.decode.non_finite || !ctx_.golden.finite) return exits;
  std::vector<size_t> candidates;
  for (size_t r = 1; r < rows_.size(); ++r) {
    const Row& row = rows_[r];
    if (row.fault_step == step && !row.decode.non_finite && row.decode.tokens == control.decode.tokens) {
      candidates.push_back(r);
    }
  }
  if (candidates.empty()) return exits;
  // Blocks a resumed prefill skipped hold the golden entries in every row,
  // and so do the blocks a row skipped in this step (it was the control's
  // there).
  const int64_t first_layer = step == 0 && resuming(plan_) ? plan_.first_block : 0;
  std::vector<int64_t> first_layers(rows_.size(), first_layer);
  for (size_t r = 1; r < rows_.size(); ++r) first_layers[r] = std::max(first_layer, rows_[r].clean_blocks);
  const at::Tensor differs = rows_differ_from_first(cache_, first_layers, first_column, columns);
  const bool* d = differs.data_ptr<bool>();
  for (size_t r : candidates) {
    if (d[r]) continue;
    if (guard_ && !guard_->same_row_state(static_cast<int64_t>(r), *guard_, 0)) continue;
    exits[r] = true;
  }
  return exits;
}

void Pass::start_counting(int64_t step) {
  bool any = false;
  for (const Row& row : rows_) any = any || (!row.counting && row.fault_step == step);
  if (!any) return;
  harvest_corrections();
  for (Row& row : rows_) {
    if (row.counting || row.fault_step != step) continue;
    row.corrections = 0;
    row.counting = true;
  }
}

void Pass::harvest_corrections() {
  if (!guard_ || !guard_->corrections().defined()) return;
  const at::Tensor counts = guard_->corrections().to(at::kCPU).contiguous();
  const int64_t* c = counts.data_ptr<int64_t>();
  for (size_t r = 0; r < rows_.size(); ++r) rows_[r].corrections += c[r];
  guard_->clear_corrections();
}

void Pass::recompose(const std::vector<bool>& leaving, const std::vector<bool>& exited, int64_t next_step) {
  std::vector<size_t> admitted;
  const Row& control = rows_[0];
  int64_t live = 0;
  for (size_t r = 0; r < rows_.size(); ++r) live += leaving[r] ? 0 : 1;
  // Trials join only while the control still generates: its state is the
  // fault-free state of the next step.
  const auto queue = waiting_.find(next_step);
  if (queue != waiting_.end() && !control.decode.stopped) {
    while (live < ctx_.width && !queue->second.empty()) {
      admitted.push_back(queue->second.front());
      queue->second.pop_front();
      ++live;
    }
    if (queue->second.empty()) waiting_.erase(queue);
  }
  const std::vector<std::pair<size_t, int64_t>> stale = diverging(leaving);
  const bool changed = !admitted.empty() || std::find(leaving.begin(), leaving.end(), true) != leaving.end() ||
                       !in_block_order();
  if (!changed && stale.empty()) return;

  harvest_corrections();
  const int64_t control_corrections = rows_[0].corrections;
  std::vector<Row> kept;
  std::vector<int64_t> index;
  for (size_t r = 0; r < rows_.size(); ++r) {
    if (!leaving[r]) {
      kept.push_back(std::move(rows_[r]));
      index.push_back(static_cast<int64_t>(r));
      continue;
    }
    Parked p{std::move(rows_[r]), exited[r], control_corrections};
    parked_.push_back(std::move(p));
  }
  for (size_t request : admitted) {
    Row row = trial_row(kept[0], request);  // the control, as it is now
    row.corrections = 0;  // a trial counts from its fault's step
    kept.push_back(std::move(row));
    index.push_back(0);
  }
  ctx_.stats.admitted += static_cast<int64_t>(admitted.size());
  sort_by_clean_blocks(kept, index);
  const size_t old_rows = rows_.size();
  rows_ = std::move(kept);
  if (rows_.size() == 1) return;  // nothing left to run: keep the buffers as they are
  bool same_rows = rows_.size() == old_rows;
  for (size_t i = 0; same_rows && i < index.size(); ++i) same_rows = index[i] == static_cast<int64_t>(i);
  if (!same_rows) reindex_rows(index);
  // A row that now runs every block takes the control's KV entries of the
  // blocks it skipped: its own there were the control's all along.
  for (const auto& [old_row, blocks] : stale) {
    const auto row = std::find(index.begin(), index.end(), static_cast<int64_t>(old_row)) - index.begin();
    cache_.copy_row_layers(0, row, blocks);
    rows_[static_cast<size_t>(row)].skipped = false;
  }
}

void Pass::reindex_rows(const std::vector<int64_t>& index) {
  const at::Tensor rows = at::tensor(index, at::kLong);
  cache_ = cache_.select_rows(rows.to(lm_.device()));
  if (guard_) guard_ = guard_->with_rows(rows);
}

at::Tensor Pass::timed_forward(const at::Tensor& ids, const runtime::StepOptions& options) {
  const auto started = Clock::now();
  at::Tensor logits = lm_.forward_step(ids, at::Tensor(), cache_, options);
  (options.step == 0 ? ctx_.stats.prefill_seconds : ctx_.stats.decode_seconds) +=
      std::chrono::duration<double>(Clock::now() - started).count();
  ++ctx_.stats.forward_steps;
  ctx_.stats.row_steps += static_cast<int64_t>(rows_.size());
  return logits;
}

void Pass::take_injection(size_t r, const injection::ActivationInjector& injector) {
  rows_[r].injected = injector.injected()[r];
  rows_[r].value_before = injector.value_before()[r];
  rows_[r].value_after = injector.value_after()[r];
}

PassStatus Pass::run() {
  const auto started = Clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  start();
  step_ = plan_.start_step;
  const DecodeSettings decode = decode_settings(ctx_.model, ctx_.options.generation.max_new_tokens, nullptr);
  try {
    while (rows_.size() > 1 || chunks_pending_) {
      start_counting(step_);
      // The injector runs before the protection at a shared point: the
      // fault happens in the layer, the protection sees its result.
      const bool in_chunks = step_ == 0 && chunked();
      const auto injector = in_chunks ? nullptr : injector_for(step_);
      const int64_t first_column = cache_.length();
      at::Tensor logits;
      if (in_chunks) {
        logits = prefill_in_chunks();
      } else {
        runtime::HookSet hooks;
        if (injector) {
          for (const auto& point : injector->points()) hooks.attach(point, injector);
        }
        if (guard_) guard_->attach_to(hooks, guard_);
        runtime::StepOptions options;
        options.step = step_;
        options.hooks = &hooks;
        const at::Tensor ids = step_inputs(options);
        logits = forward_skipping(ids, options);
      }
      const int64_t columns = cache_.length() - first_column;

      const at::Tensor finite = at::isfinite(logits).all(-1).to(at::kCPU).contiguous();
      const at::Tensor picked = logits.argmax(-1).to(at::kCPU, at::kLong).contiguous();
      const bool* ok = finite.data_ptr<bool>();
      const int64_t* next = picked.data_ptr<int64_t>();
      std::vector<bool> leaving(rows_.size(), false);
      for (size_t r = 0; r < rows_.size(); ++r) {
        Row& row = rows_[r];
        row.next_token = decode.pad_token_id;
        if (row.decode.stopped) continue;
        if (!ok[r]) row.decode.non_finite = true;
        row.decode.tokens.push_back(next[r]);
        row.next_token = next[r];
        const auto& eos = decode.eos_token_ids;
        if (std::find(eos.begin(), eos.end(), next[r]) != eos.end() ||
            static_cast<int64_t>(row.decode.tokens.size()) >= decode.max_new_tokens) {
          row.decode.stopped = true;
        }
        if (r > 0 && row.decode.stopped) leaving[r] = true;
      }
      if (injector) {
        for (size_t r = 1; r < rows_.size(); ++r) {
          if (rows_[r].fault_step == step_) take_injection(r, *injector);
        }
      }
      if (step_ == 0 && resuming(plan_)) {
        if (!resume_reproduces_source()) return chunked() ? PassStatus::chunks_rejected : PassStatus::resume_rejected;
        ctx_.stats.prefill_resumed += static_cast<int64_t>(rows_.size()) - 1;
      }
      if (step_ == 0 && plan_.capture != nullptr && !resuming(plan_)) {
        plan_.capture->cache = cache_.select_rows(at::zeros({1}, at::kLong).to(lm_.device()));
        plan_.capture->protection = guard_ ? guard_->with_rows(at::zeros({1}, at::kLong)) : nullptr;
        plan_.capture->first_token = rows_[0].decode.tokens.empty() ? -1 : rows_[0].decode.tokens[0];
      }
      const std::vector<bool> exited = early_exits(step_, first_column, columns);
      for (size_t r = 1; r < rows_.size(); ++r) leaving[r] = leaving[r] || exited[r];
      recompose(leaving, exited, step_ + 1);
      ++step_;
    }
  } catch (const std::exception& e) {
    // A fault-free control cannot fail for a fault; every trial of the
    // batch is due, with the reason kept.
    fail(e.what(), seconds());
    return PassStatus::done;
  }
  harvest_corrections();
  finish(seconds());
  return PassStatus::done;
}

}  // namespace pass_detail

PassStatus run_pass(const PassContext& ctx, const PassPlan& plan, StepQueues& waiting,
                    std::vector<TrialResult>& results) {
  pass_detail::Pass pass(ctx, plan, waiting, results);
  return pass.run();
}

}  // namespace beamline::engine
