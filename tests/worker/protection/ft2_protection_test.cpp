#include "worker/protection/ft2_protection.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace beamline::protection {
namespace {

using runtime::HookPoint;
using runtime::LayerKind;

const HookPoint kV{0, LayerKind::v_proj};
const HookPoint kQ{0, LayerKind::q_proj};

TEST(Ft2Protection, FirstTokenBoundsTimesScaleThenClips) {
  Ft2Protection ft2({kV}, CorrectionPolicy::clip_to_bound, 2.0);
  // Step 0, two rows with different ranges: row 0 [-1, 3], row 1 [-0.5, 0.5].
  at::Tensor first = at::tensor({-1.0F, 3.0F, 0.0F, -0.5F, 0.5F, 0.0F}).view({2, 3, 1});
  ft2.on_output(kV, 0, first);
  EXPECT_EQ(ft2.corrections().sum().item<int64_t>(), 0);
  const auto [low, high] = ft2.bounds(kV);
  EXPECT_TRUE(at::equal(low.flatten(), at::tensor({-2.0F, -1.0F})));
  EXPECT_TRUE(at::equal(high.flatten(), at::tensor({6.0F, 1.0F})));

  // Step 1: the highest exponent bit flipped makes a huge value; ft2 clips it.
  at::Tensor later = at::tensor({1e30F, 0.25F}).view({2, 1, 1});
  ft2.on_output(kV, 1, later);
  EXPECT_EQ(later[0][0][0].item<float>(), 6.0F);
  EXPECT_EQ(later[1][0][0].item<float>(), 0.25F);
  EXPECT_EQ(ft2.corrections()[0].item<int64_t>(), 1);
  EXPECT_EQ(ft2.corrections()[1].item<int64_t>(), 0);
}

// A step some rows join part-way: an output of the batch's first rows
// uses their bounds and counts into their counters, in both the fused and
// the composite path.
TEST(Ft2Protection, AnOutputOfTheFirstRowsActsOnThoseRows) {
  for (bool fused : {true, false}) {
    Ft2Protection ft2({kV}, CorrectionPolicy::clip_to_bound, 1.0);
    at::Tensor first = at::tensor({-1.0F, 1.0F, -2.0F, 2.0F, -3.0F, 3.0F}).view({3, 2, 1});
    ft2.on_output(kV, 0, first);
    ft2.clear_corrections();
    ft2.count_rows(3, at::kCPU);
    // Non-contiguous outputs take the composite path.
    at::Tensor later = fused ? at::full({2, 1, 1}, 10.0F) : at::full({2, 1, 2}, 10.0F).narrow(2, 0, 1);
    ft2.on_output(kV, 1, later);
    EXPECT_TRUE(at::equal(later.flatten(), at::tensor({1.0F, 2.0F}))) << fused;
    EXPECT_TRUE(at::equal(ft2.corrections(), at::tensor({1, 1, 0}, at::kLong))) << fused;
  }
}

// A first token whose output had the first rows only: the rest take row
// 0's bounds.
TEST(Ft2Protection, CompletedRowsTakeRowZerosBounds) {
  Ft2Protection ft2({kV}, CorrectionPolicy::clip_to_bound, 1.0);
  ft2.count_rows(3, at::kCPU);
  at::Tensor first = at::tensor({-1.0F, 1.0F, -2.0F, 2.0F}).view({2, 2, 1});
  ft2.on_output(kV, 0, first);
  ft2.complete_rows(3);
  const auto [low, high] = ft2.bounds(kV);
  EXPECT_TRUE(at::equal(low.flatten(), at::tensor({-1.0F, -2.0F, -1.0F})));
  EXPECT_TRUE(at::equal(high.flatten(), at::tensor({1.0F, 2.0F, 1.0F})));
  EXPECT_TRUE(ft2.same_row_state(2, ft2, 0));
}

TEST(Ft2Protection, CorrectsNanAtTheFirstTokenAndIgnoresOtherLayers) {
  Ft2Protection ft2({kV}, CorrectionPolicy::clip_to_zero, 2.0);
  at::Tensor first = at::tensor({std::numeric_limits<float>::quiet_NaN(), 1.0F}).view({1, 2, 1});
  ft2.on_output(kV, 0, first);
  EXPECT_EQ(first[0][0][0].item<float>(), 0.0F);
  EXPECT_EQ(ft2.corrections()[0].item<int64_t>(), 1);
  at::Tensor q = at::full({1, 1, 1}, 1e30F);
  ft2.on_output(kQ, 1, q);  // not guarded
  EXPECT_EQ(q.item<float>(), 1e30F);
  at::Tensor v = at::full({1, 1, 1}, 5.0F);
  ft2.on_output(kV, 1, v);  // clip_to_zero
  EXPECT_EQ(v.item<float>(), 0.0F);
}

TEST(Ft2Protection, ForkedRowsCarryTheirBounds) {
  Ft2Protection ft2({kV}, CorrectionPolicy::clip_to_bound, 2.0);
  at::Tensor first = at::tensor({-1.0F, 1.0F}).view({1, 2, 1});
  ft2.on_output(kV, 0, first);
  const auto forked = ft2.with_rows(at::zeros({3}, at::kLong));
  at::Tensor later = at::full({3, 1, 1}, 100.0F);
  forked->on_output(kV, 4, later);
  EXPECT_TRUE(at::equal(later.flatten(), at::full({3}, 2.0F)));
  EXPECT_EQ(forked->corrections().sum().item<int64_t>(), 3);
}

TEST(Ft2Protection, StepBeforeBoundsIsAnError) {
  Ft2Protection ft2({kV}, CorrectionPolicy::clip_to_bound, 2.0);
  at::Tensor later = at::ones({1, 1, 1});
  EXPECT_THROW(ft2.on_output(kV, 1, later), Error);
}

}  // namespace
}  // namespace beamline::protection
