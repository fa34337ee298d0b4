#include "worker/runtime/kv_cache.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

namespace beamline::runtime {
namespace {

constexpr int64_t kColumnDim = 2;  // [batch, kv_heads, column, head_dim]

at::Tensor grow_columns(const at::Tensor& t, int64_t dim, int64_t extra) {
  std::vector<int64_t> sizes = t.sizes().vec();
  sizes[static_cast<size_t>(dim)] = extra;
  return at::cat({t, at::zeros(sizes, t.options())}, dim);
}

}  // namespace

KVCache::KVCache(const KVCacheShape& shape, int64_t batch, int64_t capacity, at::TensorOptions options)
    : shape_(shape), batch_(batch), capacity_(capacity) {
  keys_.reserve(static_cast<size_t>(shape.num_layers));
  values_.reserve(static_cast<size_t>(shape.num_layers));
  for (int64_t layer = 0; layer < shape.num_layers; ++layer) {
    keys_.push_back(at::zeros({batch, shape.kv_heads, capacity, shape.head_dim}, options));
    values_.push_back(at::zeros({batch, shape.kv_heads, capacity, shape.head_dim}, options));
  }
  mask_ = at::zeros({batch, capacity}, options.dtype(at::kLong));
}

int64_t KVCache::begin_step(const at::Tensor& new_mask) {
  if (pending_ != 0) throw std::logic_error("KVCache::begin_step: previous step not ended");
  TORCH_CHECK(new_mask.dim() == 2 && new_mask.size(0) == batch_, "KVCache: mask must be [batch, n]");
  const int64_t n = new_mask.size(1);
  if (length_ + n > capacity_) reserve(std::max(length_ + n, 2 * capacity_));
  mask_.narrow(1, length_, n).copy_(new_mask);
  pending_ = n;
  return length_;
}

void KVCache::store(int64_t layer, const at::Tensor& keys, const at::Tensor& values) {
  if (pending_ == 0) throw std::logic_error("KVCache::store outside a step");
  // A step some rows join part-way writes the first rows only.
  const int64_t rows = keys.size(0);
  keys_.at(static_cast<size_t>(layer)).narrow(0, 0, rows).narrow(kColumnDim, length_, pending_).copy_(keys);
  values_.at(static_cast<size_t>(layer)).narrow(0, 0, rows).narrow(kColumnDim, length_, pending_).copy_(values);
}

void KVCache::end_step() {
  length_ += pending_;
  pending_ = 0;
}

void KVCache::abort_step() {
  if (pending_ != 0) mask_.narrow(1, length_, pending_).zero_();
  pending_ = 0;
}

at::Tensor KVCache::positions(int64_t start, int64_t n) const {
  return mask_.narrow(1, 0, start + n).cumsum(1).narrow(1, start, n) - 1;
}

void KVCache::reserve(int64_t capacity) {
  if (capacity <= capacity_) return;
  const int64_t extra = capacity - capacity_;
  for (auto& k : keys_) k = grow_columns(k, kColumnDim, extra);
  for (auto& v : values_) v = grow_columns(v, kColumnDim, extra);
  mask_ = grow_columns(mask_, 1, extra);
  capacity_ = capacity;
}

KVCache KVCache::clone() const {
  KVCache copy = *this;
  for (auto& k : copy.keys_) k = k.clone();
  for (auto& v : copy.values_) v = v.clone();
  copy.mask_ = mask_.clone();
  return copy;
}

KVCache KVCache::select_rows(const at::Tensor& rows) const {
  if (pending_ != 0) throw std::logic_error("KVCache::select_rows during a step");
  KVCache copy = *this;
  const at::Tensor index = rows.to(mask_.device(), at::kLong);
  for (auto& k : copy.keys_) k = k.index_select(0, index);
  for (auto& v : copy.values_) v = v.index_select(0, index);
  copy.mask_ = mask_.index_select(0, index);
  copy.batch_ = index.size(0);
  return copy;
}

void KVCache::copy_row_layers(int64_t from, int64_t to, int64_t layers) {
  if (pending_ != 0) throw std::logic_error("KVCache::copy_row_layers during a step");
  if (from < 0 || from >= batch_ || to < 0 || to >= batch_ || layers < 0 || layers > num_layers()) {
    throw std::out_of_range("KVCache::copy_row_layers: row or layer count out of range");
  }
  for (int64_t layer = 0; layer < layers; ++layer) {
    const auto l = static_cast<size_t>(layer);
    keys_[l][to].copy_(keys_[l][from]);
    values_[l][to].copy_(values_[l][from]);
  }
}

void KVCache::truncate(int64_t length) {
  if (pending_ != 0) throw std::logic_error("KVCache::truncate during a step");
  if (length < 0 || length > length_) throw std::out_of_range("KVCache::truncate: length out of range");
  mask_.narrow(1, length, capacity_ - length).zero_();
  length_ = length;
}

}  // namespace beamline::runtime
