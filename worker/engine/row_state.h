#pragma once
// Bit-for-bit comparisons of batch rows' KV entries, for the early exit
// (a trial row against the control row) and the prefill resume check (the
// control row against the golden run). Compared as integers of the
// element's width: NaN payloads and the sign of zero count.
#include <ATen/core/Tensor.h>

#include <vector>

#include "worker/runtime/kv_cache.h"

namespace beamline::engine {

// [batch] bool on the CPU: whether row r's keys or values in columns
// [start, start + n) of layers [first_layer, num_layers) differ from row 0's.
at::Tensor rows_differ_from_first(const runtime::KVCache& cache, int64_t first_layer, int64_t start, int64_t n);
// The same from layer first_layers[r] for row r (one entry per row; row
// 0's is not read): rows that skipped the blocks before theirs.
at::Tensor rows_differ_from_first(const runtime::KVCache& cache, const std::vector<int64_t>& first_layers,
                                  int64_t start, int64_t n);

// Whether row `row` of `a` equals row `b_row` of `b` in those columns and
// layers.
bool same_entries(const runtime::KVCache& a, int64_t row, const runtime::KVCache& b, int64_t b_row,
                  int64_t first_layer, int64_t start, int64_t n);

}  // namespace beamline::engine
