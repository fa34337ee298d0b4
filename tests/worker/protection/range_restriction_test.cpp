#include "worker/protection/range_restriction.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>

namespace beamline::protection {
namespace {

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

at::Tensor values() {
  // row 0: in range, above, below, NaN; row 1: inf, in range x3
  return at::tensor({0.5F, 9.0F, -7.0F, kNan, kInf, 1.0F, -1.0F, 0.0F}).view({2, 1, 4});
}

TEST(RestrictRange, ClipsToTheBoundAndZeroesNan) {
  at::Tensor x = values();
  const at::Tensor counts = restrict_range(x, at::scalar_tensor(-2.0), at::scalar_tensor(2.0),
                                           CorrectionPolicy::clip_to_bound, /*nan_to_zero=*/true);
  EXPECT_TRUE(at::equal(x, at::tensor({0.5F, 2.0F, -2.0F, 0.0F, 2.0F, 1.0F, -1.0F, 0.0F}).view({2, 1, 4})));
  EXPECT_EQ(counts[0].item<int64_t>(), 3);
  EXPECT_EQ(counts[1].item<int64_t>(), 1);
}

TEST(RestrictRange, ClipToZeroPolicy) {
  at::Tensor x = values();
  restrict_range(x, at::scalar_tensor(-2.0), at::scalar_tensor(2.0), CorrectionPolicy::clip_to_zero, true);
  EXPECT_TRUE(at::equal(x, at::tensor({0.5F, 0.0F, 0.0F, 0.0F, 0.0F, 1.0F, -1.0F, 0.0F}).view({2, 1, 4})));
}

TEST(RestrictRange, LeavesNanWhenNotAsked) {
  at::Tensor x = values();
  const at::Tensor counts =
      restrict_range(x, at::scalar_tensor(-2.0), at::scalar_tensor(2.0), CorrectionPolicy::clip_to_bound, false);
  EXPECT_TRUE(std::isnan(x[0][0][3].item<float>()));
  EXPECT_EQ(counts[0].item<int64_t>(), 2);
}

TEST(RestrictRange, PerRowBoundsAndBfloat16) {
  at::Tensor x = at::tensor({3.0F, -3.0F, 3.0F, -3.0F}).view({2, 1, 2}).to(at::kBFloat16);
  const at::Tensor low = at::tensor({-1.0F, -4.0F}).view({2, 1, 1});
  const at::Tensor high = at::tensor({1.0F, 4.0F}).view({2, 1, 1});
  const at::Tensor counts = restrict_range(x, low, high, CorrectionPolicy::clip_to_bound, true);
  EXPECT_TRUE(at::equal(x.to(at::kFloat), at::tensor({1.0F, -1.0F, 3.0F, -3.0F}).view({2, 1, 2})));
  EXPECT_EQ(counts[0].item<int64_t>(), 2);
  EXPECT_EQ(counts[1].item<int64_t>(), 0);
}

}  // namespace
}  // namespace beamline::protection
