// The fused single-pass corrections must give exactly what the composite
// ATen expressions give (values bit for bit, counts per row), on data with
// NaN, infinities, signed zeros and values on the bounds, in float32 and
// bfloat16, with scalar and per-row bounds, under both policies.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>
#include <utility>

#include "worker/protection/ft2_protection.h"
#include "worker/protection/fused_correction.h"
#include "worker/protection/range_restriction.h"

namespace beamline::protection {
namespace {

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// [rows, positions, features] with every special value sprinkled in.
at::Tensor awkward_values(int64_t rows, int64_t positions, int64_t features, uint64_t seed, at::ScalarType dtype) {
  at::manual_seed(seed);
  at::Tensor x = at::randn({rows, positions, features}) * 3.0;
  at::Tensor flat = x.view({-1});
  const int64_t n = flat.numel();
  for (int64_t i = 0; i < n; i += 7) flat[i] = kNan;
  for (int64_t i = 3; i < n; i += 11) flat[i] = (i % 2 == 0) ? kInf : -kInf;
  for (int64_t i = 5; i < n; i += 13) flat[i] = -0.0F;
  for (int64_t i = 1; i < n; i += 17) flat[i] = 2.0F;  // exactly on the scalar high bound
  for (int64_t i = 2; i < n; i += 19) flat[i] = 1e30F;  // an exponent-flip sized value
  return x.to(dtype);
}

bool bitwise_equal(const at::Tensor& a, const at::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || !a.sizes().equals(b.sizes())) return false;
  const auto int_type = a.element_size() == 4 ? at::kInt : at::kShort;
  return at::equal(a.contiguous().view(int_type), b.contiguous().view(int_type));
}

struct Case {
  at::ScalarType dtype;
  CorrectionPolicy policy;
  bool nan_to_zero;
  bool per_row;
};

class FusedVsComposite : public ::testing::TestWithParam<Case> {};

TEST_P(FusedVsComposite, SameValuesAndCounts) {
  const Case c = GetParam();
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const int64_t rows = static_cast<int64_t>(1 + seed % 5);
    at::Tensor fused = awkward_values(rows, 1 + static_cast<int64_t>(seed) % 9, 64, seed, c.dtype);
    at::Tensor composite = fused.clone();
    at::Tensor low = c.per_row ? (-at::rand({rows, 1, 1}) * 4.0 - 0.5) : at::scalar_tensor(-2.0);
    at::Tensor high = c.per_row ? (at::rand({rows, 1, 1}) * 4.0 + 0.5) : at::scalar_tensor(2.0);
    low = low.to(at::kFloat);
    high = high.to(at::kFloat);
    ASSERT_TRUE(fused_supported(fused));
    const at::Tensor expected = restrict_range_composite(composite, low, high, c.policy, c.nan_to_zero);
    const at::Tensor counts = restrict_range(fused, low, high, c.policy, c.nan_to_zero);
    EXPECT_TRUE(bitwise_equal(fused, composite)) << "seed " << seed;
    EXPECT_TRUE(at::equal(counts, expected)) << "seed " << seed << ": " << counts << " vs " << expected;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllVariants, FusedVsComposite,
    ::testing::Values(Case{at::kFloat, CorrectionPolicy::clip_to_bound, true, false},
                      Case{at::kFloat, CorrectionPolicy::clip_to_bound, false, true},
                      Case{at::kFloat, CorrectionPolicy::clip_to_zero, true, true},
                      Case{at::kFloat, CorrectionPolicy::clip_to_zero, false, false},
                      Case{at::kBFloat16, CorrectionPolicy::clip_to_bound, true, true},
                      Case{at::kBFloat16, CorrectionPolicy::clip_to_zero, true, false},
                      Case{at::kBFloat16, CorrectionPolicy::clip_to_bound, false, false}));

TEST(FusedCorrection, ZeroNanMinMaxMatchesTheComposite) {
  for (auto dtype : {at::kFloat, at::kBFloat16}) {
    at::Tensor fused = awkward_values(3, 5, 32, 42, dtype);
    at::Tensor composite = fused.clone();
    const at::Tensor expected_counts = zero_nan_composite(composite);
    const at::Tensor flat = composite.flatten(1).to(at::kFloat);
    at::Tensor counts = at::zeros({3}, at::kLong);
    at::Tensor row_min, row_max;
    zero_nan_min_max(fused, counts, row_min, row_max);
    EXPECT_TRUE(bitwise_equal(fused, composite));
    EXPECT_TRUE(at::equal(counts, expected_counts));
    EXPECT_TRUE(at::equal(row_min, std::get<0>(flat.min(1))));
    EXPECT_TRUE(at::equal(row_max, std::get<0>(flat.max(1))));
  }
}

TEST(FusedCorrection, StridedOutputIsCorrectedThroughAContiguousCopy) {
  at::Tensor base = awkward_values(2, 8, 4, 3, at::kFloat);
  at::Tensor strided = base.transpose(1, 2);  // [2, 4, 8], not contiguous
  at::Tensor expected = strided.clone();
  const at::Tensor expected_counts =
      restrict_range_composite(expected, at::scalar_tensor(-1.0), at::scalar_tensor(1.0),
                               CorrectionPolicy::clip_to_bound, true);
  const at::Tensor counts =
      restrict_range(strided, at::scalar_tensor(-1.0), at::scalar_tensor(1.0), CorrectionPolicy::clip_to_bound, true);
  EXPECT_TRUE(bitwise_equal(strided, expected));
  EXPECT_TRUE(at::equal(counts, expected_counts));
}

// ft2 over several steps gives what the composite definition gives: bounds
// from the first token widened by the scale, then clipping with NaN -> 0.
TEST(FusedCorrection, Ft2StepsMatchTheCompositeDefinition) {
  const runtime::HookPoint point{1, runtime::LayerKind::o_proj};
  for (auto [policy, scale] : {std::pair{CorrectionPolicy::clip_to_bound, 2.0}, std::pair{CorrectionPolicy::clip_to_zero, 2.0},
                                std::pair{CorrectionPolicy::clip_to_bound, 1.7}, std::pair{CorrectionPolicy::clip_to_bound, 1.1}}) {
    Ft2Protection ft2({point}, policy, scale);
    at::Tensor first = awkward_values(4, 6, 16, 9, at::kFloat);
    at::Tensor reference_first = first.clone();
    ft2.on_output(point, 0, first);
    at::Tensor expected_counts = zero_nan_composite(reference_first);
    const at::Tensor flat = reference_first.flatten(1);
    const at::Tensor low = std::get<0>(flat.min(1));
    const at::Tensor high = std::get<0>(flat.max(1));
    const at::Tensor lo = (low - (scale - 1.0) * low.abs()).view({-1, 1, 1});
    const at::Tensor hi = (high + (scale - 1.0) * high.abs()).view({-1, 1, 1});
    EXPECT_TRUE(bitwise_equal(first, reference_first));
    EXPECT_TRUE(bitwise_equal(ft2.bounds(point).first, lo));
    EXPECT_TRUE(bitwise_equal(ft2.bounds(point).second, hi));
    for (uint64_t step = 1; step <= 3; ++step) {
      at::Tensor later = awkward_values(4, 1, 16, 100 + step, at::kFloat) * 10.0;
      at::Tensor reference = later.clone();
      ft2.on_output(point, static_cast<int64_t>(step), later);
      expected_counts = expected_counts + restrict_range_composite(reference, lo, hi, policy, true);
      EXPECT_TRUE(bitwise_equal(later, reference)) << "step " << step;
    }
    EXPECT_TRUE(at::equal(ft2.corrections(), expected_counts));
  }
}

}  // namespace
}  // namespace beamline::protection
