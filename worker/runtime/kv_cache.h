#pragma once
// Keys and values of every layer for a batch of rows, preallocated as
// [batch, kv_heads, capacity, head_dim] per layer, plus the attention mask
// over the cache columns. All rows share the column count: prompts are left
// padded, and each forward step appends the same number of columns to every
// row. A row's positions come from its own mask (count of real tokens), so a
// row's result does not depend on how much padding the batch gave it.
//
// Who mutates what: only a model's forward_step writes into a cache (through
// begin_step/store/end_step). The trial engine copies caches (clone,
// select_rows) and cuts them back (truncate) between steps, never during one.
#include <ATen/core/Tensor.h>

#include <vector>

namespace beamline::runtime {

struct KVCacheShape {
  int64_t num_layers = 0;
  int64_t kv_heads = 0;
  int64_t head_dim = 0;
};

class KVCache {
 public:
  KVCache() = default;
  KVCache(const KVCacheShape& shape, int64_t batch, int64_t capacity, at::TensorOptions options);

  int64_t batch() const { return batch_; }
  int64_t length() const { return length_; }  // columns written by completed steps
  int64_t capacity() const { return capacity_; }
  int64_t num_layers() const { return static_cast<int64_t>(keys_.size()); }
  const KVCacheShape& shape() const { return shape_; }

  // [batch, kv_heads, capacity, head_dim]; columns >= length() are unused.
  const at::Tensor& keys(int64_t layer) const { return keys_.at(static_cast<size_t>(layer)); }
  const at::Tensor& values(int64_t layer) const { return values_.at(static_cast<size_t>(layer)); }
  // [batch, capacity] int64: 1 a token, 0 padding or unused.
  const at::Tensor& attention_mask() const { return mask_; }

  // --- step protocol, used by forward_step only ---
  // Appends `new_mask` ([batch, n], 1 token / 0 padding) at column length(),
  // growing the capacity when needed; returns that start column.
  int64_t begin_step(const at::Tensor& new_mask);
  // Writes one layer's new keys/values ([batch, kv_heads, n, head_dim]) at
  // the columns begun by begin_step; fewer rows write the first rows only
  // (StepOptions::row_first_block).
  void store(int64_t layer, const at::Tensor& keys, const at::Tensor& values);
  // Makes the step's columns part of length().
  void end_step();
  // Drops the columns begun by begin_step (the step failed).
  void abort_step();
  int64_t pending() const { return pending_; }

  // Per-row position of each column in [start, start + n): the number of
  // tokens in that row up to and including the column, minus one (-1 for
  // padding before the first token). [batch, n] int64.
  at::Tensor positions(int64_t start, int64_t n) const;

  // --- copies for the trial engine ---
  void reserve(int64_t capacity);
  KVCache clone() const;
  // A new cache whose row i is a copy of row rows[i] of this one (rows: int64
  // [n], repeats allowed: fork one golden row into n trial rows).
  KVCache select_rows(const at::Tensor& rows) const;
  // Forgets every column from `length` on (keep the golden prefix of the
  // first steps).
  void truncate(int64_t length);
  // Row `to` takes row `from`'s keys and values in layers [0, layers), every
  // column (a trial row that skipped those blocks while it equalled the
  // control there, about to run them; the mask is left as it is).
  void copy_row_layers(int64_t from, int64_t to, int64_t layers);

 private:
  KVCacheShape shape_;
  int64_t batch_ = 0;
  int64_t length_ = 0;
  int64_t capacity_ = 0;
  int64_t pending_ = 0;
  std::vector<at::Tensor> keys_;
  std::vector<at::Tensor> values_;
  at::Tensor mask_;
};

}  // namespace beamline::runtime
