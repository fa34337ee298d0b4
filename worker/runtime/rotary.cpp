#include "worker/runtime/rotary.h"

#include <torch/torch.h>

namespace beamline::runtime {

at::Tensor rotary_inv_freq(int64_t head_dim, double theta, const at::Device& device) {
  const at::Tensor exponents =
      at::arange(0, head_dim, 2, at::TensorOptions().dtype(at::kLong)).to(at::kFloat) / static_cast<double>(head_dim);
  return (1.0 / at::pow(theta, exponents)).to(device);
}

RotaryTables rotary_tables(const at::Tensor& positions, const at::Tensor& inv_freq, at::ScalarType dtype) {
  // [batch, n, 1] * [half] -> [batch, n, half]; HF's matmul form gives the
  // same single products.
  const at::Tensor freqs = positions.to(at::kFloat).unsqueeze(-1) * inv_freq;
  const at::Tensor emb = at::cat({freqs, freqs}, -1).unsqueeze(1);
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

at::Tensor apply_rotary(const at::Tensor& x, const RotaryTables& tables) {
  const int64_t half = x.size(-1) / 2;
  const at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * tables.cos + rotated * tables.sin;
}

}  // namespace beamline::runtime
