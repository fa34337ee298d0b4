#pragma once
// Engine-internal: one pass of the trial engine (trial_pass.h says what a
// pass does). Its parts live in trial_pass.cpp (the steps), pass_chunks.cpp
// (a prefill run in position chunks) and pass_results.cpp (judging the
// rows into results).
#include <ATen/core/Tensor.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "worker/engine/greedy_decoder.h"
#include "worker/engine/trial_pass.h"
#include "worker/injection/activation_injector.h"
#include "worker/protection/protection.h"
#include "worker/runtime/causal_lm.h"
#include "worker/runtime/kv_cache.h"

namespace beamline::engine::pass_detail {

using Clock = std::chrono::steady_clock;

struct Row {
  int64_t request = -1;     // index into the requests; -1 for the control
  int64_t fault_step = -1;  // -1 for the control
  RowDecode decode;         // tokens so far (the golden prefix included)
  int64_t next_token = 0;   // what the next step feeds this row
  // Corrections counted so far outside the protection's live counter,
  // which is harvested into here whenever the batch is recomposed.
  int64_t corrections = 0;
  // Whether `corrections` counts for the trial yet: a trial counts from its
  // fault's step, so a row carried fault-free from an earlier step starts
  // counting at its own.
  bool counting = true;
  bool injected = false;
  float value_before = 0;
  float value_after = 0;
  // Blocks before this one hold the control's state for this row: its
  // fault lies in this block and its tokens are the control's. Every step
  // it skips them, entering with the control's hidden state
  // (EngineOptions::skip_clean_blocks); 0 once its tokens differ.
  int64_t clean_blocks = 0;
  bool skipped = false;  // it skipped blocks, whose cache columns it never wrote
};

// A trial row that left the batch before the pass ended.
struct Parked {
  Row row;
  bool exited = false;                // early exit: the rest is the control's
  int64_t control_corrections = 0;    // the control's count when it left
};

class Pass {
 public:
  Pass(const PassContext& ctx, const PassPlan& plan, StepQueues& waiting, std::vector<TrialResult>& results)
      : ctx_(ctx), plan_(plan), waiting_(waiting), results_(results), lm_(ctx.model.model()) {}

  PassStatus run();

 private:
  void start();
  // A trial row for `request`, otherwise a copy of `from` (the control).
  Row trial_row(const Row& from, size_t request) const;
  // Each row's first block for this step (StepOptions::row_first_block);
  // empty when every row runs every block.
  std::vector<int64_t> first_blocks() const;
  // timed_forward() with each row starting at its clean blocks: the rows
  // that skip blocks are counted what the protection corrected in the
  // control's row there, and the protection's per-row state of those
  // blocks is completed with the control's.
  at::Tensor forward_skipping(const at::Tensor& ids, runtime::StepOptions& options);
  // Rows 1.. in order of their clean blocks, as a step that skips blocks
  // needs them; index (the rows' sources) is permuted alike.
  static void sort_by_clean_blocks(std::vector<Row>& rows, std::vector<int64_t>& index);
  // Rows whose tokens now differ from the control's run every block from
  // the next step: their clean blocks are dropped. Returns them (old index)
  // with the blocks whose cache columns they must take from the control.
  std::vector<std::pair<size_t, int64_t>> diverging(const std::vector<bool>& leaving);
  bool in_block_order() const;
  bool chunked() const;
  void plan_chunks(int64_t prompt_length);
  bool joins_later(size_t request);
  at::Tensor prefill_in_chunks();
  at::Tensor drop_inexact_rows(const at::Tensor& logits);
  void join_chunk(size_t chunk);
  at::Tensor step_inputs(runtime::StepOptions& options) const;
  std::shared_ptr<injection::ActivationInjector> injector_for(int64_t step) const;
  bool resume_reproduces_source() const;
  std::vector<bool> early_exits(int64_t step, int64_t first_column, int64_t columns) const;
  void harvest_corrections();
  void start_counting(int64_t step);
  void recompose(const std::vector<bool>& leaving, const std::vector<bool>& exited, int64_t next_step);
  // The batch's KV cache and protection state re-indexed: new row i is old
  // row index[i] (rows_ is rearranged by the caller).
  void reindex_rows(const std::vector<int64_t>& index);
  // One forward step over the batch, counted and timed in the stats.
  at::Tensor timed_forward(const at::Tensor& ids, const runtime::StepOptions& options);
  // What the injector did to batch row r.
  void take_injection(size_t r, const injection::ActivationInjector& injector);
  void finish(double seconds);
  void fail(const std::string& error, double seconds);
  int64_t trials_run() const { return static_cast<int64_t>(parked_.size() + rows_.size()) - 1; }

  const PassContext& ctx_;
  const PassPlan& plan_;
  StepQueues& waiting_;
  std::vector<TrialResult>& results_;
  runtime::CausalLM& lm_;

  std::vector<Row> rows_;  // rows_[0] is the control
  std::vector<Parked> parked_;
  runtime::KVCache cache_;
  std::shared_ptr<protection::Protection> guard_;
  int64_t step_ = 0;
  // A chunked prefill: the chunks' first positions (and the end), and the
  // trials that join before each chunk.
  std::vector<int64_t> chunk_bounds_;
  std::vector<std::vector<size_t>> joining_;
  bool chunks_pending_ = false;  // the chunked prefill has not run yet
};

// Whether the plan resumes a prefill at a later block.
bool resuming(const PassPlan& plan);

}  // namespace beamline::engine::pass_detail
