#pragma once
// The model runner seam: one forward step over a batch with a KV cache.
// Architectures (llama.h, opt.h) implement forward_hidden(); everything a
// caller needs (generation, the trial engine, profiling) goes through
// forward_step(), which is the same for all of them.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "worker/modelio/components.h"
#include "worker/modelio/model_config.h"
#include "worker/runtime/forward_context.h"
#include "worker/runtime/hooks.h"
#include "worker/runtime/kv_cache.h"
#include "worker/runtime/numerics.h"

namespace beamline::runtime {

// The parameter groups model-info counts and weight faults select
// (modelio/components.h; a tied lm_head counts as embedding).
using modelio::Component;

// A tensor the model computes with, under its HF name. Writing into
// `tensor` in place changes the model (weight faults do exactly that).
struct NamedWeight {
  std::string name;
  at::Tensor tensor;
  Component component = Component::embedding;
};

enum class LogitsMode {
  last,  // [batch, vocab]: the next-token logits only (generation)
  all,   // [batch, n, vocab]: every position of the step (tests, scoring)
};

struct StepOptions {
  int64_t step = 0;                // reported to hooks; 0 = prefill
  const HookSet* hooks = nullptr;  // null: no hooks
  LogitsMode logits = LogitsMode::last;
  // Resuming a step part-way (the trial engine's prefill faults): run
  // blocks first_block.. only, starting from first_hidden ([batch, n,
  // hidden_size] in the compute dtype: the hidden state entering
  // first_block, as on_block_input saw it in an earlier run). The cache
  // must already hold this step's columns for the blocks skipped (they
  // are not written); 0 runs the whole model from the ids.
  int64_t first_block = 0;
  at::Tensor first_hidden;
  // Called with the hidden state entering each block that runs (the
  // golden run keeps them for resuming).
  BlockInputObserver on_block_input;
  // Attention runs over at least this many cache columns, those past the
  // step's own masked (0: the columns so far and the step's). A prompt run
  // in chunks passes the prompt's length, so every query's softmax spans
  // as many (masked) columns as in the whole prompt's step and sums the
  // same way, bit for bit (the trial engine's chunked prefill). At most the
  // cache's capacity.
  int64_t attention_columns = 0;
  // Rows known to equal row 0 before some block (the trial engine's rows
  // whose fault lies in a later block and whose tokens are row 0's): row r
  // skips the blocks before row_first_block[r] and enters that block with
  // row 0's hidden state there, leaving its cache columns of the skipped
  // blocks unwritten (they hold whatever they held). One entry per row,
  // non-decreasing, at most num_layers (skip every block); with
  // first_block, entries up to it start there (from first_hidden), and
  // row 0's must. Hooks at a block see only the rows that run it, the
  // batch's first. Empty: every row runs every block.
  std::vector<int64_t> row_first_block;
};

class CausalLM {
 public:
  virtual ~CausalLM() = default;
  CausalLM(const CausalLM&) = delete;
  CausalLM& operator=(const CausalLM&) = delete;

  const modelio::ModelConfig& config() const { return config_; }
  const Numerics& numerics() const { return numerics_; }
  const at::Device& device() const { return device_; }
  int64_t vocab_size() const { return config_.vocab_size; }

  // Every tensor the model uses, each once (a tied lm_head is listed under
  // its embedding), in load order.
  const std::vector<NamedWeight>& weights() const { return weights_; }
  std::vector<HookPoint> hook_points() const { return runtime::hook_points(config_); }

  // An empty cache for `batch` rows with room for `capacity` columns (it
  // grows on demand, at the cost of a copy).
  KVCache new_cache(int64_t batch, int64_t capacity) const;

  // Runs `input_ids` ([batch, n], any integer dtype, any device) through the
  // model after the columns already in `cache`, appends their keys/values
  // and returns float32 logits (see LogitsMode). attention_mask: [batch, n],
  // 1 = token, 0 = left padding; undefined means all tokens. A row's
  // positions count only its tokens. Throws beamline::Error for an id
  // outside the vocabulary; on any exception the cache is left as before.
  // The model itself is not modified, so several threads may run steps on
  // one model, each with its own cache.
  at::Tensor forward_step(const at::Tensor& input_ids, const at::Tensor& attention_mask, KVCache& cache,
                          const StepOptions& options = {}) const;

 protected:
  CausalLM(modelio::ModelConfig config, Numerics numerics, at::Device device);

  // The final hidden state [batch, n, d] of this step's columns (cache
  // columns [start, start + n), already begun), after the final norm and
  // any output projection: what the lm_head multiplies.
  virtual at::Tensor forward_hidden(const at::Tensor& input_ids, KVCache& cache, int64_t start,
                                    const ForwardContext& ctx) const = 0;
  virtual const at::Tensor& lm_head_weight() const = 0;
  virtual KVCacheShape cache_shape() const = 0;

  std::vector<NamedWeight> weights_;

 private:
  modelio::ModelConfig config_;
  Numerics numerics_;
  at::Device device_;
};

}  // namespace beamline::runtime
