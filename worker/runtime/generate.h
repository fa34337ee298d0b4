#pragma once
// Batched greedy decoding on top of forward_step. Prompts of different
// lengths are left padded; each row stops at an eos id or max_new_tokens;
// the batch runs until every row has stopped. A row's tokens depend only on
// its own prompt (its positions and mask ignore the padding), up to the
// floating-point batch effects DESIGN.md "Determinism" describes.
#include <ATen/core/Tensor.h>

#include <functional>
#include <optional>
#include <vector>

#include "worker/runtime/causal_lm.h"

namespace beamline::runtime {

struct PromptBatch {
  at::Tensor input_ids;       // [batch, longest] int64, left padded with the pad id
  at::Tensor attention_mask;  // [batch, longest] int64, 0 over the padding
};
// Throws beamline::Error for an empty prompt list or an empty prompt.
PromptBatch left_pad(const std::vector<std::vector<int64_t>>& prompts, int64_t pad_id, const at::Device& device);

struct GenerateOptions {
  int64_t max_new_tokens = 32;
  // Stop ids; nullopt: the model config's eos ids (generation_config.json
  // first); an empty list never stops early.
  std::optional<std::vector<int64_t>> eos_token_ids;
  // Fills the padding and the input of rows that have stopped; nullopt: the
  // config's pad id, else its first eos id, else 0. Never attended to.
  std::optional<int64_t> pad_token_id;
  const HookSet* hooks = nullptr;
  // Sees each step's next-token logits ([batch, vocab], float32) before the
  // tokens are picked (the trial engine detects non-finite logits here).
  std::function<void(int64_t step, const at::Tensor& logits)> on_logits;
};

struct GenerateResult {
  // Per row, the generated ids; a row that stopped at eos ends with that id.
  std::vector<std::vector<int64_t>> tokens;
  std::vector<bool> stopped_at_eos;
  int64_t steps = 0;  // forward steps run, the prefill included
};

GenerateResult generate(const CausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
                        const GenerateOptions& options);

// Greedy decoding from a cache whose last forward step produced
// `next_logits` ([batch, vocab]); `next_step` is the step number of the next
// forward step (1 right after the prefill). Lets the trial engine resume from
// a copied golden cache. Does not report `next_logits` to on_logits.
GenerateResult continue_greedy(const CausalLM& model, KVCache& cache, const at::Tensor& next_logits, int64_t next_step,
                               const GenerateOptions& options);

}  // namespace beamline::runtime
