#pragma once
// Attention over a KV cache, shared by all architectures: grouped-query
// heads, causal + padding masks (+ Mistral's sliding window), softmax in
// float32. LibTorch 1.13 has no scaled_dot_product_attention, so this is
// two batches of products around a softmax; on the CPU in float32 the
// products go to the BLAS directly, one call per row and kv head
// (runtime/blas.h), elsewhere through at::matmul. Masked scores are set to the lowest finite float, never
// -inf: a fully masked (padding) query row then gets a uniform softmax
// instead of NaN that would leak through 0 * NaN.
#include <ATen/core/Tensor.h>

#include <optional>

#include "worker/runtime/kv_cache.h"
#include "worker/runtime/numerics.h"

namespace beamline::runtime {

// [batch, 1, 1, n, total] bool, total = max(start + n, min_columns): may
// query column start+i see key column j? (a token in that row, j <=
// start+i, and within the sliding window: (start+i) - j < window). Built
// once per step, shared by every layer.
at::Tensor attention_allowed(const KVCache& cache, int64_t start, int64_t n, std::optional<int64_t> sliding_window,
                             int64_t min_columns = 0);

// q: [batch, heads, n, head_dim], scaled by `scale` after q.k (pass 1.0
// when q is pre-scaled, as OPT does). Keys/values of `layer` must already
// hold this step's columns. Returns [batch, n, heads * head_dim]. q may
// have fewer rows than the cache: they are its first rows (allowed has
// q's rows).
at::Tensor cached_attention(const at::Tensor& q, const KVCache& cache, int64_t layer, const at::Tensor& allowed,
                            double scale, const Numerics& numerics);

// The two products of cached_attention. all_keys/all_values: a layer's
// cache tensor, [batch, kv_heads, capacity, head_dim], of which the first
// `total` columns are used.
// [batch, kv_heads, m, total]: q_grouped ([batch, kv_heads, m, head_dim])
// times those keys transposed. The direct BLAS path gives the bits
// at::matmul gives where that reaches the same sgemm (tested), and every
// row's result is the same whatever the batch (one call per product).
at::Tensor query_key_scores(const at::Tensor& q_grouped, const at::Tensor& all_keys, int64_t total);
// [batch, kv_heads, m, head_dim]: probs ([batch, kv_heads, m, total]) times
// those values.
at::Tensor weighted_values(const at::Tensor& probs, const at::Tensor& all_values, int64_t total);

// [batch, n, heads * head_dim] -> [batch, heads, n, head_dim].
at::Tensor split_heads(const at::Tensor& x, int64_t heads, int64_t head_dim);

}  // namespace beamline::runtime
