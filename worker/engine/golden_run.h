#pragma once
// The golden run: the fault-free generation of one input under one
// protection, at batch 1. Trials resume from its KV cache (a fault at step
// s starts from the first s steps) and its protection state (ft2's
// first-token bounds).
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "worker/judge/dataset.h"
#include "worker/protection/protection.h"
#include "worker/runtime/kv_cache.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::engine {

struct ProtectionSetup {
  protection::ProtectionOptions options;
  std::shared_ptr<const protection::LayerBounds> offline_bounds;  // ranger, maximals, ...
};

struct GenerationSettings {
  int64_t max_new_tokens = 16;
  // Keep the hidden state entering every block at the prefill in the
  // golden run, so prefill faults at block b resume there (costs one
  // [prompt, hidden] tensor per block per cached golden run).
  bool keep_block_inputs = true;
};

// A fault-free prefill as a batch of some shape computed it (row 0 kept):
// where a prefill fault at block b resumes in that batch shape. Numerics
// are not batch-invariant (DESIGN.md "Determinism"), so the batch-1 golden
// prefill serves only the shapes it is bit-identical to; others get their
// own, taken from a batch's control row.
struct PrefillState {
  std::vector<at::Tensor> block_inputs;      // [1, prompt, hidden] entering each block
  std::vector<int64_t> corrections_before;   // the protection's count before each block
  runtime::KVCache cache;                    // row 0 holds the prefill's entries
  std::shared_ptr<protection::Protection> protection;  // row 0: the state after the prefill; null for none
  int64_t first_token = -1;
};

// Per batch width (rows, control included): the state resumed prefills of
// that width start from, and the widths the golden prefill failed for.
// Shared by copies of a golden run; the engine fills it as it goes.
struct PrefillStates {
  std::mutex mutex;
  std::map<int64_t, std::shared_ptr<const PrefillState>> by_rows;
  std::set<int64_t> golden_rejected;
};

struct GoldenRun {
  std::vector<int64_t> prompt_ids;
  std::vector<int64_t> tokens;  // generated ids (eos included when it stopped there)
  std::string text;             // decoded, special tokens skipped
  bool correct = false;         // judged against the input's answers
  bool finite = true;           // no non-finite logit
  int64_t steps = 0;            // forward steps: tokens.size() when it stopped by length
  int64_t corrections = 0;      // values the protection changed in a fault-free run
  double seconds = 0;
  double first_token_seconds = 0;

  runtime::KVCache cache;  // batch 1, prompt + steps - 1 columns
  // Prefill resume points (empty unless settings.keep_block_inputs):
  // block_inputs[b] is the hidden state [1, prompt, hidden] entering block
  // b; prefill_corrections_before[b] what the protection corrected in
  // blocks < b during the prefill.
  std::vector<at::Tensor> block_inputs;
  std::vector<int64_t> prefill_corrections_before;
  // What the protection corrected in each step (steps entries; all 0 for
  // none): a trial that leaves early takes the rest of its count from here.
  std::vector<int64_t> step_corrections;
  std::shared_ptr<PrefillStates> prefill_states = std::make_shared<PrefillStates>();
  std::shared_ptr<protection::Protection> protection;  // state after the run; null for none
};

// The golden run's own prefill as a PrefillState (empty block_inputs when
// they were not kept).
std::shared_ptr<const PrefillState> golden_prefill_state(const GoldenRun& golden);

// Text of generated ids: eos and other special tokens dropped.
std::string decode_output(const runtime::LoadedModel& model, const std::vector<int64_t>& tokens);

GoldenRun run_golden(runtime::LoadedModel& model, const judge::DatasetInput& input, const ProtectionSetup& setup,
                     const GenerationSettings& settings);

// A fresh protection for a batch that starts at step 0, null for none.
std::shared_ptr<protection::Protection> new_protection(const runtime::LoadedModel& model, const ProtectionSetup& setup);

}  // namespace beamline::engine
