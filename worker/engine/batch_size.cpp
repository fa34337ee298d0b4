#include "worker/engine/batch_size.h"

#include <algorithm>

namespace beamline::engine {
namespace {

constexpr int64_t kMinRows = 2;
constexpr int64_t kCudaRows = 64;
constexpr int64_t kSmallModel = 20'000'000;
constexpr int64_t kMediumModel = 200'000'000;
constexpr int64_t kCpuBudgetBytes = int64_t{1} << 30;
constexpr int64_t kCudaBudgetBytes = int64_t{4} << 30;

}  // namespace

int64_t choose_batch_size(const BatchSizeInputs& in) {
  int64_t rows = kCudaRows;
  if (!in.cuda) rows = in.parameters <= kSmallModel ? 128 : in.parameters <= kMediumModel ? 64 : 8;
  const int64_t budget = in.cuda ? kCudaBudgetBytes : kCpuBudgetBytes;
  while (rows > kMinRows && rows * in.bytes_per_row > budget) rows /= 2;
  return std::max(rows, kMinRows);
}

BatchSizeInputs batch_size_inputs(const runtime::LoadedModel& model, int64_t prompt_length, int64_t max_new_tokens) {
  const runtime::CausalLM& lm = model.model();
  const auto& c = lm.config();
  BatchSizeInputs in;
  for (const auto& w : lm.weights()) in.parameters += w.tensor.numel();
  const int64_t element = at::elementSize(lm.numerics().compute_dtype);
  const int64_t columns = prompt_length + max_new_tokens;
  const int64_t kv = 2 * c.num_hidden_layers * c.num_key_value_heads * c.head_dim * columns * element;
  // The widest prefill intermediates live at once: an MLP's hidden layer
  // (two of them for gated MLPs) and the attention scores.
  const int64_t activations =
      prompt_length * (3 * c.intermediate_size + 4 * c.hidden_size + c.num_attention_heads * prompt_length) * 4;
  in.bytes_per_row = kv + activations;
  in.cuda = lm.device().is_cuda();
  return in;
}

}  // namespace beamline::engine
