#pragma once
// One batch of the trial engine, walking the generation steps.
//
// Row 0 is a fault-free control; the other rows are trials. The pass starts
// at `start_step` from the golden run's state there (its KV cache of the
// first steps, or for the prefill the golden hidden state entering
// `first_block`). After each step:
//  - a row whose fault fired in that step and whose state now equals the
//    control's bit for bit (the KV entries the step wrote, every token so
//    far, the protection's per-row state, finite logits) leaves: its future
//    is the control's, so it is recorded as the control's tokens (and its
//    later corrections as the control's);
//  - a row that stopped (eos or the token budget) leaves;
//  - trials waiting with their fault at the next step join as copies of the
//    control row (same KV, tokens and protection state), up to the width.
// The pass ends when no trial row is left.
//
// Who mutates what: the pass owns its cache and protection copies; it
// reads the golden run and never changes it.
#include <deque>
#include <map>
#include <vector>

#include "worker/engine/golden_run.h"
#include "worker/engine/trial_types.h"
#include "worker/judge/dataset.h"

namespace beamline::engine {

// Request indices waiting to run, by fault step (> 0), in request order.
// Empty queues are erased, so begin() is always the earliest pending step.
using StepQueues = std::map<int64_t, std::deque<size_t>>;

struct PassContext {
  runtime::LoadedModel& model;
  const ProtectionSetup& protection;
  const EngineOptions& options;
  int64_t width;  // rows per batch, control included (>= 2)
  const judge::DatasetInput& input;
  const GoldenRun& golden;
  const std::vector<TrialRequest>& requests;
  EngineStats& stats;
};

struct PassPlan {
  int64_t start_step = 0;
  // Request indices whose fault is at start_step or later (those run
  // fault-free until their step).
  std::vector<size_t> trials;
  // start_step 0 only: resume the prefill at first_block (> 0) from
  // resume_from, which must be the fault-free prefill of this batch shape;
  // the control row checks it bit for bit.
  int64_t first_block = 0;
  std::shared_ptr<const PrefillState> resume_from;
  // start_step 0, not resuming: record the control row's prefill here.
  PrefillState* capture = nullptr;
  // Resuming only: run the prefill in this many position chunks, trials
  // joining at their fault's chunk (prefill_chunks.h); 1 runs it whole.
  int64_t position_chunks = 1;
  // Chunked only (and required for it): trials whose chunked prefill would
  // not equal the whole one (a non-finite value cache entry) are appended
  // here unjudged, for a whole prefill.
  std::vector<size_t>* rerun_whole = nullptr;
};

enum class PassStatus {
  done,
  // The resumed prefill's control row did not reproduce resume_from bit
  // for bit; nothing was recorded and `waiting` is untouched.
  resume_rejected,
  // As resume_rejected, for a prefill run in position chunks.
  chunks_rejected,
};

// Runs the pass and writes results[i] for every request i it ran: the
// plan's trials and those it took from `waiting`.
PassStatus run_pass(const PassContext& ctx, const PassPlan& plan, StepQueues& waiting,
                    std::vector<TrialResult>& results);

}  // namespace beamline::engine
