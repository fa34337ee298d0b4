// Fault plans and their application to tensors: determinism, the shape of a
// plan, exact undo on every encoding (NaN payloads included), and the
// seed's analytic NaN share for fp32 values in [1, 2).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <bitset>
#include <cmath>
#include <iostream>

#include "common/error.h"
#include "common/fault/float_bits.h"
#include "common/rng.h"
#include "worker/weightfaults/fault_plan.h"
#include "worker/weightfaults/weight_injection.h"

namespace beamline::weightfaults {
namespace {

using fault::FaultModel;

// Bitwise equality of two tensors' storage (NaNs compare by payload).
bool same_bits(const at::Tensor& a, const at::Tensor& b) {
  const at::ScalarType words = a.element_size() == 4 ? at::kInt : at::kShort;
  return a.sizes() == b.sizes() && at::equal(a.contiguous().view(words), b.contiguous().view(words));
}

// Random weights in a given dtype with a few NaNs whose payloads must survive.
at::Tensor weights_with_nan_payloads(at::ScalarType dtype, int64_t rows, int64_t cols, uint64_t seed) {
  at::manual_seed(seed);
  at::Tensor t = at::randn({rows, cols}).mul_(0.1);
  if (dtype == at::kFloat) {
    at::Tensor words = t.view(at::kInt).view({-1});
    words[0] = static_cast<int32_t>(0x7F800001U);  // signalling-pattern NaN
    words[1] = static_cast<int32_t>(0xFFC12345U);  // negative quiet NaN with payload
    return t;
  }
  t = t.to(dtype);
  at::Tensor words = t.view(at::kShort).view({-1});
  words[0] = static_cast<int16_t>(0x7F81);   // bf16: NaN with payload; fp16: NaN too
  words[1] = static_cast<int16_t>(-0x0023);  // 0xFFDD: a negative NaN in both formats
  return t;
}

struct EncodingCase {
  const char* name;
  at::ScalarType dtype;
  StorageEncoding encoding;
};

const std::vector<EncodingCase>& encoding_cases() {
  static const std::vector<EncodingCase> cases = {
      {"fp32", at::kFloat, StorageEncoding::fp32},
      {"bf16", at::kBFloat16, StorageEncoding::bf16},
      {"fp16", at::kHalf, StorageEncoding::fp16},
  };
  return cases;
}

TEST(FaultPlan, SameTrialSameFaultsOtherTrialOtherFaults) {
  const std::vector<TensorExtent> selection = {{1000, StorageEncoding::fp32}, {500, StorageEncoding::bf16}};
  for (const FaultModel model : {FaultModel::bit_error_rate, FaultModel::value_uniform01}) {
    CounterRng a(5, "cell", 3);
    CounterRng b(5, "cell", 3);
    CounterRng c(5, "cell", 4);
    const FaultPlan pa = draw_fault_plan(a, selection, model, 0.01);
    const FaultPlan pb = draw_fault_plan(b, selection, model, 0.01);
    const FaultPlan pc = draw_fault_plan(c, selection, model, 0.01);
    ASSERT_EQ(pa.faults.size(), pb.faults.size());
    for (size_t i = 0; i < pa.faults.size(); ++i) {
      EXPECT_EQ(pa.faults[i].tensor, pb.faults[i].tensor);
      EXPECT_EQ(pa.faults[i].element, pb.faults[i].element);
      EXPECT_EQ(pa.faults[i].bits, pb.faults[i].bits);
    }
    bool differs = pa.faults.size() != pc.faults.size();
    for (size_t i = 0; !differs && i < pa.faults.size(); ++i) differs = pa.faults[i].element != pc.faults[i].element;
    EXPECT_TRUE(differs);
  }
}

TEST(FaultPlan, BitErrorRatePlanCountsEveryBitOnce) {
  const std::vector<TensorExtent> selection = {
      {300, StorageEncoding::fp32}, {200, StorageEncoding::bf16}, {100, StorageEncoding::fp16_in_fp32}};
  CounterRng rng(1, "bits", 0);
  const FaultPlan plan = draw_fault_plan(rng, selection, FaultModel::bit_error_rate, 0.05);
  EXPECT_EQ(plan.population, 300U * 32 + 200U * 16 + 100U * 16);
  uint64_t flipped = 0;
  for (size_t i = 0; i < plan.faults.size(); ++i) {
    const ElementFault& f = plan.faults[i];
    ASSERT_LT(f.tensor, selection.size());
    ASSERT_LT(f.element, selection[f.tensor].elements);
    ASSERT_NE(f.bits, 0U);
    ASSERT_LT(f.bits, uint64_t{1} << bits_per_element(selection[f.tensor].encoding));
    if (i > 0) {
      const ElementFault& prev = plan.faults[i - 1];
      ASSERT_TRUE(prev.tensor < f.tensor || (prev.tensor == f.tensor && prev.element < f.element));
    }
    flipped += std::bitset<32>(f.bits).count();
  }
  EXPECT_EQ(flipped, plan.fault_count);
  EXPECT_GT(plan.fault_count, 0U);
}

TEST(FaultPlan, ValueUniform01ReplacesWithValuesInsideTheOpenUnitInterval) {
  const std::vector<TensorExtent> selection = {
      {400, StorageEncoding::fp32}, {400, StorageEncoding::bf16}, {400, StorageEncoding::fp16}};
  CounterRng rng(2, "values", 0);
  const FaultPlan plan = draw_fault_plan(rng, selection, FaultModel::value_uniform01, 0.5);
  EXPECT_EQ(plan.population, 1200U);
  EXPECT_EQ(plan.faults.size(), plan.fault_count);
  for (const ElementFault& f : plan.faults) {
    float value = 0;
    switch (selection[f.tensor].encoding) {
      case StorageEncoding::fp32: value = fault::bits_to_float(f.bits); break;
      case StorageEncoding::bf16: value = fault::bf16_bits_to_float(static_cast<uint16_t>(f.bits)); break;
      default: value = fault::fp16_bits_to_float(static_cast<uint16_t>(f.bits)); break;
    }
    ASSERT_GT(value, 0.0F);
    ASSERT_LT(value, 1.0F);
  }
}

// A plan is O(faults), not O(bits): p = 1e-9 over a 7B-parameter bf16
// model (1.1e11 bits) draws about 112 positions and never walks the rest.
TEST(FaultPlan, SevenBillionParametersAtOneInABillion) {
  const std::vector<TensorExtent> model = {{7000000000, StorageEncoding::bf16}, {262144000, StorageEncoding::bf16}};
  CounterRng rng(1, "7b", 0);
  const FaultPlan plan = draw_fault_plan(rng, model, FaultModel::bit_error_rate, 1e-9);
  EXPECT_EQ(plan.population, (7000000000ULL + 262144000ULL) * 16);
  EXPECT_GT(plan.fault_count, 50U);  // mean 116, sd 11
  EXPECT_LT(plan.fault_count, 200U);
  for (const ElementFault& f : plan.faults) ASSERT_LT(f.element, model[f.tensor].elements);
}

TEST(FaultPlan, RejectsOtherFaultModelsAndBadRates) {
  CounterRng rng(1, "bad", 0);
  const std::vector<TensorExtent> selection = {{10, StorageEncoding::fp32}};
  EXPECT_THROW(draw_fault_plan(rng, selection, FaultModel::single_bit, 0.1), Error);
  EXPECT_THROW(draw_fault_plan(rng, selection, FaultModel::bit_error_rate, 2.0), Error);
}

// Undo restores every bit of every encoding after both fault models, even
// at rates where every element is hit.
TEST(AppliedFaults, UndoRestoresEveryBitOnEveryEncoding) {
  for (const EncodingCase& c : encoding_cases()) {
    for (const FaultModel model : {FaultModel::bit_error_rate, FaultModel::value_uniform01}) {
      for (const double rate : {0.001, 0.05, 1.0}) {
        SCOPED_TRACE(std::string(c.name) + " " + fault::to_string(model) + " p=" + std::to_string(rate));
        std::vector<FaultTarget> targets = {{weights_with_nan_payloads(c.dtype, 37, 53, 1), c.encoding},
                                            {weights_with_nan_payloads(c.dtype, 64, 8, 2), c.encoding}};
        std::vector<at::Tensor> originals;
        for (const auto& t : targets) originals.push_back(t.tensor.clone());
        CounterRng rng(9, c.name, static_cast<uint64_t>(rate * 1000));
        const FaultPlan plan = draw_fault_plan(rng, extents_of(targets), model, rate);
        ASSERT_GT(plan.fault_count, 0U);
        {
          AppliedFaults applied(targets, plan);
          EXPECT_EQ(applied.elements_touched(), static_cast<int64_t>(plan.faults.size()));
          EXPECT_FALSE(same_bits(targets[0].tensor, originals[0]) && same_bits(targets[1].tensor, originals[1]));
          applied.restore();
          for (size_t i = 0; i < targets.size(); ++i) EXPECT_TRUE(same_bits(targets[i].tensor, originals[i]));
          // Restoring twice changes nothing.
          applied.restore();
        }
        for (size_t i = 0; i < targets.size(); ++i) EXPECT_TRUE(same_bits(targets[i].tensor, originals[i]));
      }
    }
  }
}

TEST(AppliedFaults, DestructorRestores) {
  FaultTarget target{weights_with_nan_payloads(at::kFloat, 16, 16, 3), StorageEncoding::fp32};
  const at::Tensor original = target.tensor.clone();
  CounterRng rng(1, "dtor", 0);
  const FaultPlan plan = draw_fault_plan(rng, extents_of({target}), FaultModel::bit_error_rate, 0.1);
  { AppliedFaults applied({target}, plan); }
  EXPECT_TRUE(same_bits(target.tensor, original));
}

// Flips land on the stored encoding: each faulty element is its original
// XOR the plan's mask (fp32 and bf16 words directly; emulated fp16 through
// the float16 encoding of the float32 value it holds).
TEST(AppliedFaults, FlipsTheStoredEncoding) {
  at::manual_seed(4);
  const at::Tensor base = at::randn({256});
  const std::vector<FaultTarget> targets = {{base.clone(), StorageEncoding::fp32},
                                            {base.to(at::kBFloat16), StorageEncoding::bf16},
                                            {base.to(at::kHalf).to(at::kFloat), StorageEncoding::fp16_in_fp32}};
  std::vector<at::Tensor> originals;
  for (const auto& t : targets) originals.push_back(t.tensor.clone());
  CounterRng rng(1, "encoding", 0);
  const FaultPlan plan = draw_fault_plan(rng, extents_of(targets), FaultModel::bit_error_rate, 0.02);
  AppliedFaults applied(targets, plan);
  for (const ElementFault& f : plan.faults) {
    const at::Tensor& now = targets[f.tensor].tensor;
    const at::Tensor& was = originals[f.tensor];
    switch (targets[f.tensor].encoding) {
      case StorageEncoding::fp32:
        EXPECT_EQ(static_cast<uint32_t>(now.view(at::kInt)[f.element].item<int32_t>()),
                  static_cast<uint32_t>(was.view(at::kInt)[f.element].item<int32_t>()) ^ f.bits);
        break;
      case StorageEncoding::bf16:
        EXPECT_EQ(static_cast<uint16_t>(now.view(at::kShort)[f.element].item<int16_t>()),
                  static_cast<uint16_t>(static_cast<uint16_t>(was.view(at::kShort)[f.element].item<int16_t>()) ^ f.bits));
        break;
      default: {
        const uint16_t was16 = fault::float_to_fp16_bits(was[f.element].item<float>());
        const float expect = fault::fp16_bits_to_float(static_cast<uint16_t>(was16 ^ f.bits));
        const float got = now[f.element].item<float>();
        if (std::isnan(expect)) {
          EXPECT_TRUE(std::isnan(got));
        } else {
          EXPECT_EQ(fault::float_to_bits(got), fault::float_to_bits(expect));
        }
      }
    }
  }
}

// The seed's section 6.1: an fp32 value in [1, 2) (exponent 01111111)
// becomes NaN when its top exponent bit flips, the other seven exponent bits
// do not, and the mantissa ends up non-zero: p (1 - p)^7 (1 - 2^-23) for a
// uniformly random mantissa.
TEST(AppliedFaults, NanShareMatchesTheSeedsAnalyticProbability) {
  constexpr int64_t kValues = 2000000;
  constexpr double kRate = 0.01;
  at::manual_seed(6);
  FaultTarget target{at::rand({kValues}, at::kDouble).add_(1.0).to(at::kFloat), StorageEncoding::fp32};
  target.tensor.clamp_max_(std::nextafter(2.0F, 1.0F));  // rounding to float may reach 2.0
  const at::Tensor original = target.tensor.clone();
  CounterRng rng(2024, "nan-share", 0);
  const FaultPlan plan = draw_fault_plan(rng, extents_of({target}), FaultModel::bit_error_rate, kRate);
  AppliedFaults applied({target}, plan);
  const double measured = at::isnan(target.tensor).sum().item<double>() / kValues;
  const double analytic = kRate * std::pow(1 - kRate, 7) * (1 - std::ldexp(1.0, -23));
  const double sigma = std::sqrt(analytic * (1 - analytic) / kValues);
  std::cout << "[ nan     ] p=" << kRate << ": measured " << measured << ", analytic " << analytic << " (sigma "
            << sigma << "), faults " << plan.fault_count << " of " << plan.population << " bits\n";
  EXPECT_NEAR(measured, analytic, 5 * sigma);
  applied.restore();
  EXPECT_TRUE(same_bits(target.tensor, original));
}

}  // namespace
}  // namespace beamline::weightfaults
