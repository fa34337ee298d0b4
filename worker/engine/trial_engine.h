#pragma once
// The trial engine: runs transient-fault trials of one input in batches and
// judges each against a fault-free control computed under the same
// numerical conditions.
//
// A batch (trial_pass.h) holds trials and one fault-free control row (row
// 0). It starts from the golden run's state at its first fault step s: for
// s > 0 the golden KV cache of the first s steps (and, for ft2, its
// first-token bounds) instead of regenerating them; for a prefill fault at
// block b, the golden hidden state entering block b. Trials whose fault
// lies at a later step join a running batch at that step as copies of its
// control row; a row whose state after its fault equals the control's bit
// for bit leaves early (masked_identical, the control's future). Outcomes
// compare a row with the control row of its own batch, not with the
// batch-1 golden run: fp32 matmuls are not batch-invariant (DESIGN.md
// "Determinism"), so only a control computed in the same batch from the
// same prefix makes "identical" meaningful.
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "worker/engine/golden_run.h"
#include "worker/engine/outcome.h"
#include "worker/engine/trial_types.h"
#include "worker/judge/dataset.h"

namespace beamline::engine {

class TrialEngine {
 public:
  TrialEngine(runtime::LoadedModel& model, ProtectionSetup protection, EngineOptions options);

  // Runs every request on `input` whose golden run (under this engine's
  // protection) is `golden`. Results come back in request order.
  std::vector<TrialResult> run(const judge::DatasetInput& input, const GoldenRun& golden,
                               const std::vector<TrialRequest>& requests);

  const EngineOptions& options() const { return options_; }
  // Rows per batch for `golden`'s input: options().max_batch, or the
  // device/model rule when that is 0.
  int64_t batch_rows(const GoldenRun& golden) const;
  // Totals over every run() so far.
  const EngineStats& stats() const { return stats_; }

 private:
  // rerun_whole: where a prefill run in position chunks hands the trials it
  // could not run exactly; null runs the prefill whole.
  void run_prefill_pass(const struct PassContext& ctx, struct PassPlan& plan,
                        std::map<int64_t, std::deque<size_t>>& waiting, std::vector<TrialResult>& results,
                        std::vector<size_t>* rerun_whole);

  runtime::LoadedModel& model_;
  ProtectionSetup protection_;
  EngineOptions options_;
  EngineStats stats_;
  // Whether a golden run's batch-1 prefill failed to reproduce a batch's,
  // for any golden run so far.
  bool golden_prefill_rejected_ = false;
  // Whether a prefill run in position chunks failed to reproduce the whole
  // one (then prefills run whole from there on).
  bool prefill_chunks_rejected_ = false;
};

// Judges one row against the control row of its batch.
Outcome classify(const std::vector<int64_t>& tokens, bool non_finite, const std::vector<int64_t>& control_tokens,
                 const std::string& text, const judge::DatasetInput& input);

// Index of the first generated token where a and b differ; nullopt if equal.
std::optional<int64_t> first_difference(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

}  // namespace beamline::engine
