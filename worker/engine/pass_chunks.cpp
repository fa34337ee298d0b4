#include <ATen/ATen.h>

#include "worker/engine/pass.h"
#include "worker/engine/prefill_chunks.h"
#include "worker/engine/trial_engine.h"

namespace beamline::engine::pass_detail {

bool Pass::chunked() const { return resuming(plan_) && plan_.position_chunks > 1 && plan_.rerun_whole != nullptr; }

void Pass::plan_chunks(int64_t prompt_length) {
  chunk_bounds_ = prefill_chunk_bounds(prompt_length, plan_.position_chunks);
  joining_.assign(chunk_bounds_.size() - 1, {});
  chunks_pending_ = true;
}

// A trial whose fault lies past the first chunk waits for its chunk.
// Trials faulted after the prefill run it fault-free: they join for the
// last chunk, as copies of the control.
bool Pass::joins_later(size_t request) {
  const auto& site = ctx_.requests[request].site;
  const size_t chunk =
      site.step == 0 ? chunk_of(chunk_bounds_, site_position(ctx_.model.config(), site)) : joining_.size() - 1;
  if (chunk == 0) return false;
  joining_[chunk].push_back(request);
  return true;
}

// Trials whose fault lies in `chunk` join as copies of the control row as
// it is now: up to here they are fault-free.
void Pass::join_chunk(size_t chunk) {
  if (chunk >= joining_.size() || joining_[chunk].empty()) return;
  std::vector<int64_t> index;
  for (size_t r = 0; r < rows_.size(); ++r) index.push_back(static_cast<int64_t>(r));
  for (size_t request : joining_[chunk]) {
    Row row = trial_row(rows_[0], request);
    row.counting = row.fault_step == 0;
    rows_.push_back(std::move(row));
    index.push_back(0);
  }
  joining_[chunk].clear();
  sort_by_clean_blocks(rows_, index);
  reindex_rows(index);
}

// The prefill from plan_.first_block in position chunks; returns the last
// chunk's logits (the first token's).
at::Tensor Pass::prefill_in_chunks() {
  const at::Tensor& hidden = plan_.resume_from->block_inputs[static_cast<size_t>(plan_.first_block)];
  const at::Tensor prompt = at::tensor(ctx_.golden.prompt_ids, at::kLong).view({1, -1});
  const modelio::ModelConfig& config = ctx_.model.config();
  ++ctx_.stats.chunked_prefills;
  chunks_pending_ = false;
  at::Tensor logits;
  for (size_t c = 0; c + 1 < chunk_bounds_.size(); ++c) {
    join_chunk(c);
    const int64_t first = chunk_bounds_[c];
    const int64_t length = chunk_bounds_[c + 1] - first;
    const auto batch = static_cast<int64_t>(rows_.size());
    std::vector<std::optional<sites::ActivationSite>> sites(rows_.size());
    std::vector<size_t> faulted;
    for (size_t r = 1; r < rows_.size(); ++r) {
      if (rows_[r].fault_step != 0) continue;
      sites[r] = site_in_chunk(config, ctx_.requests[static_cast<size_t>(rows_[r].request)].site, first, first + length);
      if (sites[r]) faulted.push_back(r);
    }
    runtime::HookSet hooks;
    std::shared_ptr<injection::ActivationInjector> injector;
    if (!faulted.empty()) {
      injector = std::make_shared<injection::ActivationInjector>(std::move(sites),
                                                                 injection::hook_point_format(lm_.numerics()));
      for (const auto& point : injector->points()) hooks.attach(point, injector);
    }
    if (guard_) {
      guard_->set_prefill_chunk(static_cast<int64_t>(c));
      guard_->attach_to(hooks, guard_);
    }
    runtime::StepOptions options;
    options.step = 0;
    options.hooks = &hooks;
    options.first_block = plan_.first_block;
    options.first_hidden = hidden.narrow(1, first, length).expand({batch, length, hidden.size(2)});
    options.attention_columns = chunk_bounds_.back();
    const at::Tensor ids = prompt.narrow(1, first, length).expand({batch, length}).contiguous();
    logits = forward_skipping(ids, options);
    for (size_t r : faulted) take_injection(r, *injector);
  }
  if (guard_) guard_->set_prefill_chunk(-1);
  return drop_inexact_rows(logits);
}

// Rows whose value cache holds a non-finite entry would have spread it to
// earlier positions in a whole prefill (prefill_chunks.h): they leave the
// pass unjudged, to be run again whole (plan_.rerun_whole). Returns the
// logits of the rows that stay.
at::Tensor Pass::drop_inexact_rows(const at::Tensor& logits) {
  const std::vector<bool> bad = non_finite_values(cache_, plan_.first_block, chunk_bounds_.back());
  std::vector<int64_t> kept{0};
  std::vector<Row> rows{rows_[0]};
  for (size_t r = 1; r < rows_.size(); ++r) {
    if (bad[0] || bad[r]) {
      plan_.rerun_whole->push_back(static_cast<size_t>(rows_[r].request));
      continue;
    }
    kept.push_back(static_cast<int64_t>(r));
    rows.push_back(std::move(rows_[r]));
  }
  if (rows.size() == rows_.size()) return logits;
  ctx_.stats.chunk_reruns += static_cast<int64_t>(rows_.size() - rows.size());
  rows_ = std::move(rows);
  reindex_rows(kept);
  return logits.index_select(0, at::tensor(kept, at::kLong).to(logits.device()));
}

}  // namespace beamline::engine::pass_detail
