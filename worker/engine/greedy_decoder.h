#pragma once
// The engine's own greedy loop over a batch whose rows may differ (a fault
// in one row): it tracks per row when it stopped and whether it ever saw a
// non-finite logit while still generating, which generation's
// continue_greedy does not report.
#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

#include "worker/runtime/causal_lm.h"
#include "worker/runtime/hooks.h"
#include "worker/runtime/kv_cache.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::engine {

struct RowDecode {
  std::vector<int64_t> tokens;  // generated ids, eos included when it stopped there
  bool stopped = false;
  bool non_finite = false;  // a non-finite logit while the row was generating
};

struct DecodeSettings {
  int64_t max_new_tokens = 0;  // total tokens a row may have (prefix included)
  std::vector<int64_t> eos_token_ids;
  int64_t pad_token_id = 0;  // fed to rows that have stopped; never attended
  const runtime::HookSet* hooks = nullptr;
  // Called after each forward step with its step number (may be empty).
  std::function<void(int64_t step)> after_step;
};

// `logits` ([batch, vocab]) came out of step `next_step - 1`; rows[i] holds
// row i's tokens so far. Picks tokens, feeds them through the model and
// repeats until every row stopped or has max_new_tokens tokens. Returns the
// number of forward steps it ran.
int64_t decode_greedy(runtime::CausalLM& model, runtime::KVCache& cache, at::Tensor logits, int64_t next_step,
                      const DecodeSettings& settings, std::vector<RowDecode>& rows);

// Settings from the model's config (eos, pad).
DecodeSettings decode_settings(const runtime::LoadedModel& model, int64_t max_new_tokens,
                               const runtime::HookSet* hooks);

// One fault-free generation at batch 1: the golden run and profiling.
struct SingleRun {
  RowDecode row;
  int64_t steps = 0;  // forward steps, the prefill included
  runtime::KVCache cache;
  double seconds = 0;
  double first_token_seconds = 0;
};
// `on_block_input` (may be empty) sees the hidden state entering each
// block during the prefill.
SingleRun generate_single(runtime::LoadedModel& model, const std::vector<int64_t>& prompt,
                          const runtime::HookSet* hooks, int64_t max_new_tokens,
                          const runtime::BlockInputObserver& on_block_input = {},
                          const std::function<void(int64_t step)>& after_step = {});

// Marks rows with a non-finite logit in `logits` ([batch, vocab]) among
// those still generating.
void note_non_finite(const at::Tensor& logits, std::vector<RowDecode>& rows);

}  // namespace beamline::engine
