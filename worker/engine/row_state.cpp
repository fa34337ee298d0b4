#include "worker/engine/row_state.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>
#include <vector>

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

// Whether every layer's keys and values are contiguous in host memory, so
// rows can be compared with memcmp. A decode step compares a handful of
// columns; as tensor ops that is some dozens of small ops per layer, which
// on small models cost as much as a tenth of the step.
bool host_contiguous(const runtime::KVCache& cache, int64_t first_layer) {
  for (int64_t layer = first_layer; layer < cache.num_layers(); ++layer) {
    for (const at::Tensor* t : {&cache.keys(layer), &cache.values(layer)}) {
      if (!t->device().is_cpu() || !t->is_contiguous() || t->dim() != 4) return false;
    }
  }
  return true;
}

// The same comparison on raw bytes: row r, kv head h holds columns
// [start, start + n) as one block of n * head_dim elements.
std::vector<bool> host_rows_differ(const runtime::KVCache& cache, const std::vector<int64_t>& first_layers,
                                   int64_t start, int64_t n) {
  const int64_t batch = cache.batch();
  std::vector<bool> differs(static_cast<size_t>(batch), false);
  const int64_t lowest = *std::min_element(first_layers.begin() + 1, first_layers.end());
  for (int64_t layer = lowest; layer < cache.num_layers(); ++layer) {
    for (const at::Tensor* t : {&cache.keys(layer), &cache.values(layer)}) {
      const int64_t heads = t->size(1), capacity = t->size(2), head_dim = t->size(3);
      const auto element = static_cast<int64_t>(t->element_size());
      const auto* base = static_cast<const unsigned char*>(t->data_ptr());
      const auto block = static_cast<size_t>(n * head_dim * element);
      for (int64_t r = 1; r < batch; ++r) {
        if (layer < first_layers[static_cast<size_t>(r)]) continue;
        for (int64_t h = 0; h < heads && !differs[static_cast<size_t>(r)]; ++h) {
          const int64_t first = (h * capacity + start) * head_dim * element;
          const int64_t row = (r * heads * capacity) * head_dim * element;
          if (std::memcmp(base + row + first, base + first, block) != 0) differs[static_cast<size_t>(r)] = true;
        }
      }
    }
  }
  return differs;
}

}  // namespace

at::Tensor rows_differ_from_first(const runtime::KVCache& cache, int64_t first_layer, int64_t start, int64_t n) {
  return rows_differ_from_first(cache, std::vector<int64_t>(static_cast<size_t>(cache.batch()), first_layer), start, n);
}

at::Tensor rows_differ_from_first(const runtime::KVCache& cache, const std::vector<int64_t>& first_layers,
                                  int64_t start, int64_t n) {
  const int64_t batch = cache.batch();
  if (batch < 2) return at::zeros({batch}, at::kBool);
  const int64_t first_layer = *std::min_element(first_layers.begin() + 1, first_layers.end());
  if (host_contiguous(cache, first_layer)) {
    const std::vector<bool> host = host_rows_differ(cache, first_layers, start, n);
    at::Tensor out = at::zeros({batch}, at::kBool);
    bool* d = out.data_ptr<bool>();
    for (int64_t r = 0; r < batch; ++r) d[r] = host[static_cast<size_t>(r)];
    return out;
  }
  const auto device = cache.attention_mask().device();
  at::Tensor differs = at::zeros({batch}, at::TensorOptions().dtype(at::kBool).device(device));
  const at::Tensor first = at::tensor(first_layers, at::kLong).to(device);
  for (int64_t layer = first_layer; layer < cache.num_layers(); ++layer) {
    const at::Tensor compared = first <= layer;
    for (const at::Tensor* t : {&cache.keys(layer), &cache.values(layer)}) {
      const at::Tensor bits = as_bits(t->narrow(kColumnDim, start, n));
      differs.logical_or_(at::ne(bits, bits.narrow(0, 0, 1)).reshape({batch, -1}).any(1).logical_and(compared));
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
