#include "worker/runtime/attention.h"

#include <torch/torch.h>

#include <limits>

namespace beamline::runtime {

at::Tensor attention_allowed(const KVCache& cache, int64_t start, int64_t n, std::optional<int64_t> sliding_window) {
  const int64_t total = start + n;
  const auto long_opts = at::TensorOptions().dtype(at::kLong).device(cache.attention_mask().device());
  const at::Tensor query_col = at::arange(start, total, long_opts).unsqueeze(1);  // [n, 1]
  const at::Tensor key_col = at::arange(0, total, long_opts).unsqueeze(0);        // [1, total]
  at::Tensor allowed = key_col <= query_col;                                      // [n, total]
  if (sliding_window) allowed = allowed & ((query_col - key_col) < *sliding_window);
  const at::Tensor has_token = cache.attention_mask().narrow(1, 0, total).to(at::kBool);  // [batch, total]
  return (allowed.unsqueeze(0) & has_token.unsqueeze(1)).unsqueeze(1).unsqueeze(1);
}

at::Tensor cached_attention(const at::Tensor& q, const KVCache& cache, int64_t layer, const at::Tensor& allowed,
                            double scale, const Numerics& numerics) {
  const int64_t batch = q.size(0);
  const int64_t heads = q.size(1);
  const int64_t n = q.size(2);
  const int64_t head_dim = q.size(3);
  const int64_t kv_heads = cache.shape().kv_heads;
  const int64_t groups = heads / kv_heads;
  const int64_t total = allowed.size(-1);

  // Query heads h = kv * groups + g share kv head `kv` (HF repeat_kv order).
  // Folding the groups into the query rows lets each kv head's keys serve
  // all its query heads without copying the cache.
  const at::Tensor keys = cache.keys(layer).narrow(2, 0, total);
  const at::Tensor values = cache.values(layer).narrow(2, 0, total);
  const at::Tensor q_grouped = q.contiguous().view({batch, kv_heads, groups * n, head_dim});

  at::Tensor scores = at::matmul(q_grouped, keys.transpose(-1, -2));
  if (scale != 1.0) scores = scores * scale;
  scores = numerics.round(scores).to(at::kFloat).view({batch, kv_heads, groups, n, total});
  scores = scores.masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest());
  at::Tensor probs = numerics.round(at::softmax(scores, -1).to(q.scalar_type()));
  probs = probs.view({batch, kv_heads, groups * n, total});

  const at::Tensor out = numerics.round(at::matmul(probs, values));  // [batch, kv_heads, groups * n, head_dim]
  return out.view({batch, heads, n, head_dim}).transpose(1, 2).reshape({batch, n, heads * head_dim});
}

at::Tensor split_heads(const at::Tensor& x, int64_t heads, int64_t head_dim) {
  return x.reshape({x.size(0), x.size(1), heads, head_dim}).transpose(1, 2);
}

}  // namespace beamline::runtime
