#include "worker/runtime/attention.h"

#include <torch/torch.h>

#include <limits>

#include "worker/runtime/blas.h"

namespace beamline::runtime {
namespace {

// Whether a product can go to the BLAS directly: float32 on the CPU, laid
// out as the cache and contiguous results are.
bool direct_blas(const at::Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous(); }

}  // namespace

at::Tensor query_key_scores(const at::Tensor& q_grouped, const at::Tensor& all_keys, int64_t total) {
  if (direct_blas(q_grouped) && direct_blas(all_keys)) {
    const int64_t products = q_grouped.size(0) * q_grouped.size(1);
    const int64_t m = q_grouped.size(2);
    const int64_t head_dim = q_grouped.size(3);
    const int64_t capacity = all_keys.size(2);
    at::Tensor scores = at::empty({q_grouped.size(0), q_grouped.size(1), m, total}, q_grouped.options());
    // Column-major: scores_i^T [total, m] = keys_i [total, head_dim] x q_i^T.
    if (blas::sgemm_strided_batch(true, products, total, m, head_dim,
                                  {all_keys.data_ptr<float>(), head_dim, capacity * head_dim},
                                  {q_grouped.data_ptr<float>(), head_dim, m * head_dim}, scores.data_ptr<float>(),
                                  total, m * total)) {
      return scores;
    }
  }
  return at::matmul(q_grouped, all_keys.narrow(2, 0, total).transpose(-1, -2));
}

at::Tensor weighted_values(const at::Tensor& probs, const at::Tensor& all_values, int64_t total) {
  if (direct_blas(probs) && direct_blas(all_values)) {
    const int64_t products = probs.size(0) * probs.size(1);
    const int64_t m = probs.size(2);
    const int64_t head_dim = all_values.size(3);
    const int64_t capacity = all_values.size(2);
    at::Tensor out = at::empty({probs.size(0), probs.size(1), m, head_dim}, probs.options());
    // Column-major: out_i^T [head_dim, m] = values_i^T x probs_i^T.
    if (blas::sgemm_strided_batch(false, products, head_dim, m, total,
                                  {all_values.data_ptr<float>(), head_dim, capacity * head_dim},
                                  {probs.data_ptr<float>(), total, m * total}, out.data_ptr<float>(), head_dim,
                                  m * head_dim)) {
      return out;
    }
  }
  return at::matmul(probs, all_values.narrow(2, 0, total));
}

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
  const at::Tensor q_grouped = q.contiguous().view({batch, kv_heads, groups * n, head_dim});

  at::Tensor scores = query_key_scores(q_grouped, cache.keys(layer), total);
  if (scale != 1.0) scores = scores * scale;
  scores = numerics.round(scores).to(at::kFloat).view({batch, kv_heads, groups, n, total});
  scores = scores.masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest());
  at::Tensor probs = numerics.round(at::softmax(scores, -1).to(q.scalar_type()));
  probs = probs.contiguous().view({batch, kv_heads, groups * n, total});

  // [batch, kv_heads, groups * n, head_dim]
  const at::Tensor out = numerics.round(weighted_values(probs, cache.values(layer), total));
  return out.view({batch, heads, n, head_dim}).transpose(1, 2).reshape({batch, n, heads * head_dim});
}

at::Tensor split_heads(const at::Tensor& x, int64_t heads, int64_t head_dim) {
  return x.reshape({x.size(0), x.size(1), heads, head_dim}).transpose(1, 2);
}

}  // namespace beamline::runtime
