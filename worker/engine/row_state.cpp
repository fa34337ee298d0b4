#include "worker/engine/row_state.h"

#include <ATen/ATen.h>

namespace beamline::engine {
namespace {

constexpr int64_t kColumnDim = 2;  // [batch, kv_heads, column, head_dim]

at::Tensor as_bits(const at::Tensor& t) {
  switch (t.element_size()) {
    case 8: return t.view(at::kLong);
    case 4: return t.view(at::kInt);
    case 2: return t.view(at::kShort);
    default: return t.view(at::kByte);
  }
}

}  // namespace

at::Tensor rows_differ_from_first(const runtime::KVCache& cache, int64_t first_layer, int64_t start, int64_t n) {
  const int64_t batch = cache.batch();
  at::Tensor differs = at::zeros({batch}, at::TensorOptions().dtype(at::kBool).device(cache.attention_mask().device()));
  for (int64_t layer = first_layer; layer < cache.num_layers(); ++layer) {
    for (const at::Tensor* t : {&cache.keys(layer), &cache.values(layer)}) {
      const at::Tensor bits = as_bits(t->narrow(kColumnDim, start, n));
      differs.logical_or_(at::ne(bits, bits.narrow(0, 0, 1)).reshape({batch, -1}).any(1));
    }
  }
  return differs.to(at::kCPU);
}

bool same_entries(const runtime::KVCache& a, int64_t row, const runtime::KVCache& b, int64_t b_row,
                  int64_t first_layer, int64_t start, int64_t n) {
  for (int64_t layer = first_layer; layer < a.num_layers(); ++layer) {
    const at::Tensor ka = as_bits(a.keys(layer)[row].narrow(kColumnDim - 1, start, n));
    const at::Tensor kb = as_bits(b.keys(layer)[b_row].narrow(kColumnDim - 1, start, n).to(ka.device()));
    const at::Tensor va = as_bits(a.values(layer)[row].narrow(kColumnDim - 1, start, n));
    const at::Tensor vb = as_bits(b.values(layer)[b_row].narrow(kColumnDim - 1, start, n).to(va.device()));
    if (!at::equal(ka, kb) || !at::equal(va, vb)) return false;
  }
  return true;
}

}  // namespace beamline::engine
