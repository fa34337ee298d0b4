// rows_differ_from_first, the early exit's comparison: bit for bit against
// row 0, only in the columns and layers asked for, -0.0 against 0.0 and
// NaN payloads counting as differences.
#include "worker/engine/row_state.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstring>
#include <limits>

namespace beamline::engine {
namespace {

// 2 layers, 2 kv heads, head_dim 4, 4 rows, 8 columns, all zeros.
runtime::KVCache zero_cache() {
  return runtime::KVCache({2, 2, 4}, 4, 8, at::TensorOptions().dtype(at::kFloat));
}

void set(const at::Tensor& t, int64_t row, int64_t head, int64_t column, int64_t d, float value) {
  t.data_ptr<float>()[((row * t.size(1) + head) * t.size(2) + column) * t.size(3) + d] = value;
}

float nan_with_payload(uint32_t payload) {
  uint32_t bits = 0x7fc00000U | payload;
  float f = 0;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::vector<bool> differs(const runtime::KVCache& cache, int64_t first_layer, int64_t start, int64_t n) {
  const at::Tensor d = rows_differ_from_first(cache, first_layer, start, n);
  EXPECT_EQ(d.scalar_type(), at::kBool);
  EXPECT_TRUE(d.device().is_cpu());
  std::vector<bool> out;
  for (int64_t r = 0; r < d.size(0); ++r) out.push_back(d[r].item<bool>());
  return out;
}

TEST(RowsDifferFromFirst, OnlyTheAskedColumnsAndLayersCount) {
  runtime::KVCache cache = zero_cache();
  set(cache.values(1), 1, 1, 5, 3, 1.0F);   // row 1: last layer, second head, column 5, last element
  set(cache.keys(0), 2, 0, 2, 0, -0.0F);    // row 2: -0.0 where row 0 has 0.0, first layer
  EXPECT_EQ(differs(cache, 0, 0, 8), (std::vector<bool>{false, true, true, false}));
  EXPECT_EQ(differs(cache, 0, 5, 1), (std::vector<bool>{false, true, false, false}));
  EXPECT_EQ(differs(cache, 0, 0, 5), (std::vector<bool>{false, false, true, false}));
  EXPECT_EQ(differs(cache, 0, 6, 2), (std::vector<bool>{false, false, false, false}));
  EXPECT_EQ(differs(cache, 1, 0, 8), (std::vector<bool>{false, true, false, false}));  // layer 0 skipped
}

TEST(RowsDifferFromFirst, NanPayloadsAreCompared) {
  runtime::KVCache cache = zero_cache();
  for (int64_t r : {0, 1, 2}) set(cache.keys(1), r, 1, 7, 2, nan_with_payload(5));
  set(cache.keys(1), 2, 1, 7, 2, nan_with_payload(6));
  set(cache.keys(1), 3, 1, 7, 2, nan_with_payload(5));
  set(cache.keys(1), 3, 0, 7, 2, 2.0F);
  EXPECT_EQ(differs(cache, 0, 7, 1), (std::vector<bool>{false, false, true, true}));
}

}  // namespace
}  // namespace beamline::engine
