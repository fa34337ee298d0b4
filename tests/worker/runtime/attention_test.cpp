// Attention's products go to the BLAS directly on the CPU: the same values
// as at::matmul, and a row's result never depends on the rows beside it
// (the trial engine compares rows of one batch bit for bit).
#include "worker/runtime/attention.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "worker/runtime/blas.h"

namespace beamline::runtime::testing {
namespace {

struct Shape {
  int64_t batch = 3;
  int64_t kv_heads = 2;
  int64_t groups = 2;
  int64_t n = 5;
  int64_t head_dim = 16;
  int64_t total = 23;
  int64_t capacity = 40;
};

at::Tensor random_cache_tensor(const Shape& s, at::ScalarType dtype = at::kFloat) {
  return at::randn({s.batch, s.kv_heads, s.capacity, s.head_dim}, at::TensorOptions().dtype(dtype));
}

at::Tensor random_queries(const Shape& s, at::ScalarType dtype = at::kFloat) {
  return at::randn({s.batch, s.kv_heads, s.groups * s.n, s.head_dim}, at::TensorOptions().dtype(dtype));
}

at::Tensor random_probs(const Shape& s) {
  return at::softmax(at::randn({s.batch, s.kv_heads, s.groups * s.n, s.total}), -1);
}

TEST(AttentionProducts, TheProjectsBlasIsReachable) {
  EXPECT_NE(blas::loaded_symbol("sgemm_"), nullptr) << "LibTorch runs on OpenBLAS here (DESIGN.md)";
}

// m * n * k of every product is at least 400 here: at::matmul then calls the
// same sgemm once per product (below that it uses its own loop kernel).
TEST(AttentionProducts, GiveAtMatmulsBitsWhereItUsesTheBlas) {
  at::manual_seed(1);
  const Shape s;
  const at::Tensor q = random_queries(s);
  const at::Tensor keys = random_cache_tensor(s);
  const at::Tensor values = random_cache_tensor(s);
  const at::Tensor probs = random_probs(s);
  EXPECT_TRUE(at::equal(query_key_scores(q, keys, s.total), at::matmul(q, keys.narrow(2, 0, s.total).transpose(-1, -2))));
  EXPECT_TRUE(at::equal(weighted_values(probs, values, s.total), at::matmul(probs, values.narrow(2, 0, s.total))));
}

TEST(AttentionProducts, MatchAFloat64ReferenceOnEveryShape) {
  at::manual_seed(2);
  for (const Shape s : {Shape{}, Shape{1, 1, 1, 1, 8, 1, 4}, Shape{4, 4, 1, 1, 16, 7, 64}, Shape{2, 1, 4, 3, 32, 30, 30}}) {
    const at::Tensor q = random_queries(s);
    const at::Tensor keys = random_cache_tensor(s);
    const at::Tensor values = random_cache_tensor(s);
    const at::Tensor probs = random_probs(s);
    const at::Tensor ref_scores =
        at::matmul(q.to(at::kDouble), keys.narrow(2, 0, s.total).transpose(-1, -2).to(at::kDouble));
    const at::Tensor ref_out = at::matmul(probs.to(at::kDouble), values.narrow(2, 0, s.total).to(at::kDouble));
    EXPECT_TRUE(at::allclose(query_key_scores(q, keys, s.total).to(at::kDouble), ref_scores, 1e-5, 1e-5));
    EXPECT_TRUE(at::allclose(weighted_values(probs, values, s.total).to(at::kDouble), ref_out, 1e-5, 1e-5));
  }
}

TEST(AttentionProducts, ARowsResultDoesNotDependOnTheBatch) {
  at::manual_seed(3);
  Shape s;
  s.batch = 6;
  s.n = 1;  // a decode step
  const at::Tensor q = random_queries(s);
  const at::Tensor keys = random_cache_tensor(s);
  const at::Tensor values = random_cache_tensor(s);
  const at::Tensor probs = random_probs(s);
  const at::Tensor scores = query_key_scores(q, keys, s.total);
  const at::Tensor out = weighted_values(probs, values, s.total);
  for (int64_t r = 0; r < s.batch; ++r) {
    const auto row = [r](const at::Tensor& t) { return t.narrow(0, r, 1).contiguous(); };
    EXPECT_TRUE(at::equal(scores.narrow(0, r, 1), query_key_scores(row(q), row(keys), s.total))) << "row " << r;
    EXPECT_TRUE(at::equal(out.narrow(0, r, 1), weighted_values(row(probs), row(values), s.total))) << "row " << r;
  }
}

// Not float32 (or not on the CPU): at::matmul computes it.
TEST(AttentionProducts, OtherDtypesFallBackToMatmul) {
  at::manual_seed(4);
  const Shape s;
  const at::Tensor q = random_queries(s, at::kDouble);
  const at::Tensor keys = random_cache_tensor(s, at::kDouble);
  EXPECT_TRUE(at::equal(query_key_scores(q, keys, s.total), at::matmul(q, keys.narrow(2, 0, s.total).transpose(-1, -2))));
}

}  // namespace
}  // namespace beamline::runtime::testing
