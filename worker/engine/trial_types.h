#pragma once
// What the trial engine takes and returns (trial_engine.h is the entry
// point; trial_pass.h runs one batch).
#include <optional>
#include <string>
#include <vector>

#include "common/sites/activation_site.h"
#include "worker/engine/golden_run.h"
#include "worker/engine/outcome.h"

namespace beamline::engine {

struct TrialRequest {
  uint64_t trial_index = 0;
  sites::ActivationSite site;
};

struct TrialResult {
  uint64_t trial_index = 0;
  sites::ActivationSite site;
  Outcome outcome = Outcome::masked_identical;
  std::vector<int64_t> tokens;
  std::string text;
  // Values the protection changed in this trial's row from its fault's
  // step on (a prefill fault: the whole prefill, blocks before a resumed
  // block included, as the golden run counted them).
  int64_t corrections = 0;
  std::optional<int64_t> first_divergence_step;  // first generated token that differs from the control
  bool injected = false;   // the site was reached (false: it lay past the generation)
  float value_before = 0;  // the faulted element before and after the flip
  float value_after = 0;
  double seconds = 0;      // this trial's share of its batch's time
  std::string error;       // why it is due when an exception ended it
};

struct EngineOptions {
  GenerationSettings generation;
  // Rows per forward batch, the control row included; 0: chosen from the
  // device and model (batch_size.h).
  int64_t max_batch = 0;
  // Stop a row as soon as its state after the fault equals the control's
  // bit for bit (KV entries written since, tokens, protection state): the
  // rest of its generation is the control's.
  bool early_exit = true;
  // A prefill fault at block b starts from the golden run's hidden state
  // entering block b, when the batch reproduces the golden run there bit
  // for bit (checked on every batch's control row; otherwise that batch is
  // rerun from the embedding and resuming stops for the input).
  bool prefill_resume = true;
  // A resumed prefill runs in this many position chunks, each trial joining
  // at its fault's (prefill_chunks.h), while the control row shows the
  // chunked prefill equals the whole one bit for bit; 1 runs it whole.
  int64_t prefill_chunks = 4;
  // A trial row whose fault lies at block b and whose tokens are the
  // control's skips blocks 0..b-1 at every step, the prefill included: its
  // state there is the control's bit for bit (the same tokens in, the same
  // KV entries; a fault reaches no earlier block), so it enters block b
  // with the control's hidden state, and its protection counts and state
  // of those blocks are the control's. A row whose tokens differ runs
  // every block from then on, taking the control's KV entries of the
  // blocks it skipped.
  bool skip_clean_blocks = true;
};

// What the engine did, for benchmarks and tests (never judged by time).
struct EngineStats {
  int64_t passes = 0;             // batches run
  int64_t forward_steps = 0;      // forward_step calls
  int64_t row_steps = 0;          // rows summed over forward steps
  int64_t early_exits = 0;        // trials stopped early, masked_identical
  int64_t admitted = 0;           // trials that joined a running batch at their fault step
  int64_t prefill_resumed = 0;    // prefill trials that started past block 0
  int64_t resume_rejected = 0;    // batches whose resumed prefill was not bit-identical
  int64_t chunked_prefills = 0;   // passes that ran their prefill in position chunks
  int64_t chunks_rejected = 0;    // of those, the ones not bit-identical to the whole prefill
  int64_t chunk_reruns = 0;       // trials run again whole after a chunked prefill (non-finite values)
  int64_t blocks_skipped = 0;     // row-blocks skipped (skip_clean_blocks), prefill included
  // Where the time went (benchmarks print it; tests never read it).
  double prefill_seconds = 0;     // forward steps at step 0
  double decode_seconds = 0;      // forward steps at later steps
  double pass_seconds = 0;        // whole passes (forward steps included)

  // Field by field: what a run added (after - before) and totals.
  EngineStats& operator+=(const EngineStats& other);
  EngineStats operator-(const EngineStats& before) const;
};

}  // namespace beamline::engine
