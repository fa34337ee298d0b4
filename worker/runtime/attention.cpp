#include "worker/runtime/attention.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "worker/runtime/blas.h"

namespace beamline::runtime {
namespace {

// Whether a product can go to the BLAS directly: float32 on the CPU, laid
// out as the cache and contiguous results are.
bool direct_blas(const at::Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous(); }

// lhs ([batch, kv_heads, m, inner]) times, for every row and kv head, the
// first `total` columns of a layer's cache tensor ([batch, kv_heads,
// capacity, head_dim]): transposed for q.k (inner = head_dim, result
// [..., m, total]), as they are for probs.v (inner = total, result
// [..., m, head_dim]). Undefined when the BLAS cannot take it.
at::Tensor direct_cache_product(const at::Tensor& lhs, const at::Tensor& cache_tensor, int64_t total,
                                bool transpose_cache) {
  if (!direct_blas(lhs) || !direct_blas(cache_tensor)) return {};
  const int64_t products = lhs.size(0) * lhs.size(1);
  const int64_t m = lhs.size(2);
  const int64_t inner = lhs.size(3);
  const int64_t head_dim = cache_tensor.size(3);
  const int64_t capacity = cache_tensor.size(2);
  const int64_t cols = transpose_cache ? total : head_dim;
  at::Tensor out = at::empty({lhs.size(0), lhs.size(1), m, cols}, lhs.options());
  // Column-major, product i: out_i^T [cols, m] = C_i' x lhs_i^T, where the
  // cache block C_i is [head_dim, total] with leading dimension head_dim.
  const bool done = blas::sgemm_strided_batch(transpose_cache, products, cols, m, inner,
                                              {cache_tensor.data_ptr<float>(), head_dim, capacity * head_dim},
                                              {lhs.data_ptr<float>(), inner, m * inner}, out.data_ptr<float>(), cols,
                                              m * cols);
  return done ? out : at::Tensor();
}

}  // namespace

// The direct products read the first lhs.size(0) rows of the cache (a
// step some rows join part-way runs the first rows only); so must these.
at::Tensor query_key_scores(const at::Tensor& q_grouped, const at::Tensor& all_keys, int64_t total) {
  at::Tensor scores = direct_cache_product(q_grouped, all_keys, total, true);
  if (scores.defined()) return scores;
  return at::matmul(q_grouped, all_keys.narrow(0, 0, q_grouped.size(0)).narrow(2, 0, total).transpose(-1, -2));
}

at::Tensor weighted_values(const at::Tensor& probs, const at::Tensor& all_values, int64_t total) {
  at::Tensor out = direct_cache_product(probs, all_values, total, false);
  if (out.defined()) return out;
  return at::matmul(probs, all_values.narrow(0, 0, probs.size(0)).narrow(2, 0, total));
}

at::Tensor attention_allowed(const KVCache& cache, int64_t start, int64_t n, std::optional<int64_t> sliding_window,
                             int64_t min_columns) {
  const int64_t total = std::max(start + n, min_columns);
  const auto long_opts = at::TensorOptions().dtype(at::kLong).device(cache.attention_mask().device());
  const at::Tensor query_col = at::arange(start, start + n, long_opts).unsqueeze(1);  // [n, 1]
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
