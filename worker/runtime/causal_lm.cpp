#include "worker/runtime/causal_lm.h"

#include <torch/torch.h>

#include "common/error.h"

namespace beamline::runtime {

CausalLM::CausalLM(modelio::ModelConfig config, Numerics numerics, at::Device device)
    : config_(std::move(config)), numerics_(numerics), device_(device) {}

KVCache CausalLM::new_cache(int64_t batch, int64_t capacity) const {
  return KVCache(cache_shape(), batch, capacity, at::TensorOptions().dtype(numerics_.compute_dtype).device(device_));
}

namespace {

void check_vocabulary(const at::Tensor& ids, int64_t vocab_size) {
  if (ids.numel() == 0) return;
  const int64_t low = ids.min().item<int64_t>();
  const int64_t high = ids.max().item<int64_t>();
  const int64_t bad = low < 0 ? low : high;
  if (low < 0 || high >= vocab_size) {
    throw Error("token id " + std::to_string(bad) + " is outside the vocabulary (vocab_size " +
                std::to_string(vocab_size) + ": valid ids are 0.." + std::to_string(vocab_size - 1) + ")");
  }
}

void check_row_first_block(const StepOptions& options, int64_t batch, int64_t num_layers) {
  const std::vector<int64_t>& first = options.row_first_block;
  if (first.empty()) return;
  bool ok = static_cast<int64_t>(first.size()) == batch && first[0] <= options.first_block;
  for (size_t r = 1; ok && r < first.size(); ++r) ok = first[r] >= first[r - 1] && first[r] <= num_layers;
  if (!ok) {
    throw std::invalid_argument(
        "forward_step: row_first_block needs one non-decreasing entry per row, at most num_layers, row 0's at "
        "most first_block");
  }
}

}  // namespace

at::Tensor CausalLM::forward_step(const at::Tensor& input_ids, const at::Tensor& attention_mask, KVCache& cache,
                                  const StepOptions& options) const {
  if (input_ids.dim() != 2 || input_ids.size(0) != cache.batch()) {
    throw std::invalid_argument("forward_step: input_ids must be [batch, n] with the cache's batch");
  }
  const at::Tensor ids = input_ids.to(device_, at::kLong);
  check_vocabulary(ids, config_.vocab_size);
  const at::Tensor mask =
      attention_mask.defined() ? attention_mask.to(device_, at::kLong) : at::ones_like(ids);

  if (options.first_block < 0 || options.first_block > config_.num_hidden_layers ||
      (options.first_block > 0 &&
       (!options.first_hidden.defined() || options.first_hidden.dim() != 3 ||
        options.first_hidden.size(0) != ids.size(0) || options.first_hidden.size(1) != ids.size(1)))) {
    throw std::invalid_argument("forward_step: first_block needs first_hidden [batch, n, hidden] for the ids");
  }
  if (options.attention_columns < 0 || options.attention_columns > cache.capacity()) {
    throw std::invalid_argument("forward_step: attention_columns must be between 0 and the cache's capacity");
  }
  check_row_first_block(options, ids.size(0), config_.num_hidden_layers);
  const int64_t start = cache.begin_step(mask);
  ForwardContext ctx{options.step, options.hooks, &numerics_};
  ctx.attention_columns = options.attention_columns;
  ctx.first_block = options.first_block;
  ctx.first_hidden = options.first_block > 0 ? &options.first_hidden : nullptr;
  ctx.on_block_input = options.on_block_input ? &options.on_block_input : nullptr;
  ctx.row_first_block = options.row_first_block.empty() ? nullptr : &options.row_first_block;
  at::Tensor logits;
  try {
    at::Tensor hidden = forward_hidden(ids, cache, start, ctx);
    if (options.logits == LogitsMode::last) hidden = hidden.select(1, hidden.size(1) - 1);
    logits = numerics_.round(at::linear(hidden, lm_head_weight())).to(at::kFloat);
  } catch (...) {
    cache.abort_step();
    throw;
  }
  cache.end_step();
  return logits;
}

}  // namespace beamline::runtime
