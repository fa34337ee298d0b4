#include "worker/injection/activation_injector.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstring>

#include "common/error.h"
#include "common/fault/float_bits.h"

namespace beamline::injection {
namespace {

using fault::NumericFormat;

uint32_t bits_of(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// The injected element, and only it, changes, by exactly the mask.
TEST(FlipElement, ChangesOnlyTheSiteByExactlyTheMaskInFloat32) {
  at::manual_seed(1);
  at::Tensor out = at::randn({3, 4, 5});
  const at::Tensor before = out.clone();
  const uint32_t mask = (1u << 30) | (1u << 2);
  flip_element(out, 1, 13, mask, NumericFormat::fp32);
  const at::Tensor changed = at::ne(out, before);
  EXPECT_EQ(changed.sum().item<int64_t>(), 1);
  EXPECT_TRUE(changed[1][2][3].item<bool>());  // index 13 = position 2 * 5 + feature 3
  EXPECT_EQ(bits_of(out[1][2][3].item<float>()) ^ bits_of(before[1][2][3].item<float>()), mask);
}

TEST(FlipElement, KeepsNanPayloadsInFloat32) {
  at::Tensor out = at::ones({1, 1, 1});  // 1.0f = 0x3F800000
  // Setting every exponent bit and keeping the mantissa 0 except bit 0 gives
  // a signalling NaN; a float round trip would quiet it.
  flip_element(out, 0, 0, 0x40000001u, NumericFormat::fp32);
  uint32_t raw;
  std::memcpy(&raw, out.data_ptr<float>(), sizeof raw);
  EXPECT_EQ(raw, 0x3F800000u ^ 0x40000001u);
}

TEST(FlipElement, FlipsTheBfloat16Encoding) {
  at::Tensor out = at::full({2, 1, 3}, 0.5, at::kBFloat16);
  const uint16_t mask = 1u << 14;  // the top exponent bit: 0.5 becomes 2^127
  flip_element(out, 1, 2, mask, NumericFormat::bf16);
  const uint16_t expected = fault::float_to_bf16_bits(0.5F) ^ mask;
  EXPECT_EQ(out[1][0][2].item<float>(), fault::bf16_bits_to_float(expected));
  EXPECT_EQ(at::ne(out, at::full({2, 1, 3}, 0.5, at::kBFloat16)).sum().item<int64_t>(), 1);
}

TEST(FlipElement, EmulatedFloat16FlipsTheHalfEncodingOfAFloat32Tensor) {
  at::Tensor out = at::full({1, 2, 2}, 0.5);
  flip_element(out, 0, 3, 1u << 14, NumericFormat::fp16);  // top fp16 exponent bit
  const uint16_t expected = fault::float_to_fp16_bits(0.5F) ^ (1u << 14);
  EXPECT_EQ(out[0][1][1].item<float>(), fault::fp16_bits_to_float(expected));
}

TEST(FlipElement, RejectsAnIndexOutsideTheRow) {
  at::Tensor out = at::zeros({2, 3, 4});
  EXPECT_THROW(flip_element(out, 0, 12, 1, NumericFormat::fp32), Error);
}

TEST(ActivationInjector, FiresOnlyAtItsStepPointAndRow) {
  sites::ActivationSite site{2, 1, "v_proj", 5, 1u << 31};
  ActivationInjector injector({std::nullopt, site}, NumericFormat::fp32);
  ASSERT_EQ(injector.points().size(), 1u);
  at::Tensor out = at::ones({2, 1, 8});
  injector.on_output({1, runtime::LayerKind::v_proj}, 1, out);  // wrong step
  injector.on_output({0, runtime::LayerKind::v_proj}, 2, out);  // wrong block
  injector.on_output({1, runtime::LayerKind::k_proj}, 2, out);  // wrong layer
  EXPECT_EQ(out.sum().item<float>(), 16.0F);
  EXPECT_FALSE(injector.injected()[1]);
  injector.on_output({1, runtime::LayerKind::v_proj}, 2, out);
  EXPECT_TRUE(injector.injected()[1]);
  EXPECT_FALSE(injector.injected()[0]);
  EXPECT_EQ(out[1][0][5].item<float>(), -1.0F);  // the sign bit
  EXPECT_EQ(injector.value_before()[1], 1.0F);
  EXPECT_EQ(injector.value_after()[1], -1.0F);
}

}  // namespace
}  // namespace beamline::injection
