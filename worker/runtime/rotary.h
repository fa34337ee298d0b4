#pragma once
// Rotary position embeddings, HF convention (rotate_half: the first and the
// second half of head_dim form the pairs, not interleaved neighbours).
#include <ATen/core/Tensor.h>

namespace beamline::runtime {

struct RotaryTables {
  at::Tensor cos;  // [batch, 1, n, head_dim], in the compute dtype
  at::Tensor sin;
};

// float32 [head_dim / 2]: 1 / theta^(2i / head_dim), computed as HF does.
at::Tensor rotary_inv_freq(int64_t head_dim, double theta, const at::Device& device);
// positions: [batch, n] int64 per-row positions.
RotaryTables rotary_tables(const at::Tensor& positions, const at::Tensor& inv_freq, at::ScalarType dtype);
// x: [batch, heads, n, head_dim].
at::Tensor apply_rotary(const at::Tensor& x, const RotaryTables& tables);

}  // namespace beamline::runtime
