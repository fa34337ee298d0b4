#include "worker/engine/trial_engine.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "tests/worker/runtime/test_support.h"
#include "worker/engine/profiling.h"
#include "worker/engine/transient_cell.h"
#include "worker/injection/activation_injector.h"
#include "worker/runtime/generate.h"

namespace beamline::engine {
namespace {

using protection::ProtectionKind;
using runtime::testing::TinyModel;
using runtime::testing::TinySpec;

TinySpec spec_for(const std::string& architecture) {
  TinySpec spec;
  spec.architecture = architecture;
  spec.num_kv_heads = architecture == "OPTForCausalLM" ? 4 : 2;
  spec.eos_token_id = 63;  // rarely picked: generations run to max_new_tokens
  return spec;
}

judge::DatasetInput make_input(const std::string& prompt) {
  judge::DatasetInput input;
  input.prompt = prompt;
  input.answers = {"w3"};
  input.task = judge::TaskKind::exact;
  return input;
}

class TrialEngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  TrialEngineTest() : model_(spec_for(GetParam())), input_(make_input("w5 w9 w13 w4 w7 w21")) {
    settings_.max_new_tokens = 8;
  }

  std::vector<TrialRequest> draw(const TransientCell& cell, const GoldenRun& unprotected, int count) {
    std::vector<TrialRequest> requests;
    const auto format = injection::hook_point_format(model_.model().numerics());
    for (int t = 0; t < count; ++t) {
      requests.push_back({static_cast<uint64_t>(t),
                          draw_site(cell, 7, static_cast<uint64_t>(t), unprotected, model_.loaded->config(), format)});
    }
    return requests;
  }

  std::vector<TrialResult> run(const ProtectionSetup& setup, const std::vector<TrialRequest>& requests,
                               int64_t max_batch = 16) {
    EngineOptions options;
    options.generation = settings_;
    options.max_batch = max_batch;
    TrialEngine engine(*model_.loaded, setup, options);
    const GoldenRun golden = run_golden(*model_.loaded, input_, setup, settings_);
    return engine.run(input_, golden, requests);
  }

  ProtectionSetup setup(ProtectionKind kind, std::shared_ptr<const protection::LayerBounds> bounds = nullptr) {
    ProtectionSetup s;
    s.options.kind = kind;
    s.offline_bounds = std::move(bounds);
    return s;
  }

  TinyModel model_;
  judge::DatasetInput input_;
  GenerationSettings settings_;
};

// The null fault must report exactly 0 SDC and 0 DUE under every protection.
TEST_P(TrialEngineTest, NoneFaultIsAlwaysMaskedUnderEveryProtection) {
  const auto bounds = std::make_shared<protection::LayerBounds>(profile_bounds(
      *model_.loaded, {input_, make_input("w8 w8 w30 w11"), make_input("w40 w41 w42 w43 w44 w45 w46")}, settings_));
  const GoldenRun unprotected = run_golden(*model_.loaded, input_, setup(ProtectionKind::none), settings_);
  TransientCell cell;
  cell.fault = fault::FaultModel::none;
  const auto requests = draw(cell, unprotected, 200);
  for (auto kind : {ProtectionKind::none, ProtectionKind::ranger, ProtectionKind::maximals,
                    ProtectionKind::global_clipper, ProtectionKind::ft2, ProtectionKind::ft2_offline}) {
    const auto results = run(setup(kind, bounds), requests);
    std::map<Outcome, int> counts;
    for (const auto& r : results) counts[r.outcome]++;
    EXPECT_EQ(counts[Outcome::masked_identical], 200) << protection::to_string(kind) << ": sdc "
                                                      << counts[Outcome::sdc] << ", due " << counts[Outcome::due];
  }
}

TEST_P(TrialEngineTest, Ft2CorrectsTheHighestExponentBitInACriticalLayer) {
  const GoldenRun golden = run_golden(*model_.loaded, input_, setup(ProtectionKind::none), settings_);
  ASSERT_GT(golden.steps, 2);
  // The dangerous flip is 0 -> 1 of the top exponent bit, on a value below
  // 2 in magnitude: it becomes about 2^128 times larger. Find such an element.
  std::optional<sites::ActivationSite> site;
  for (int64_t index = 0; index < 16 && !site; ++index) {
    const sites::ActivationSite candidate{2, 0, "v_proj", index, 1u << 30};
    const auto unprotected = run(setup(ProtectionKind::none), {{0, candidate}});
    ASSERT_TRUE(unprotected[0].injected);
    EXPECT_EQ(unprotected[0].corrections, 0);
    if (std::abs(unprotected[0].value_after) > 1e30F) site = candidate;
  }
  ASSERT_TRUE(site.has_value()) << "no v_proj element below 2 in magnitude among the first 16";

  const auto protected_run = run(setup(ProtectionKind::ft2), {{0, *site}});
  ASSERT_TRUE(protected_run[0].injected);
  EXPECT_GE(protected_run[0].corrections, 1);
  EXPECT_NE(protected_run[0].outcome, Outcome::due);
}

TEST_P(TrialEngineTest, BatchedAndOneAtATimeGiveTheSameSitesAndOutcomes) {
  const GoldenRun unprotected = run_golden(*model_.loaded, input_, setup(ProtectionKind::none), settings_);
  TransientCell cell;
  cell.fault = fault::FaultModel::single_bit;
  const auto requests = draw(cell, unprotected, 60);
  const auto again = draw(cell, unprotected, 60);
  for (auto kind : {ProtectionKind::none, ProtectionKind::ft2}) {
    const auto batched = run(setup(kind), requests, 16);
    const auto single = run(setup(kind), again, 2);
    ASSERT_EQ(batched.size(), single.size());
    for (size_t i = 0; i < batched.size(); ++i) {
      EXPECT_EQ(batched[i].site, single[i].site);
      EXPECT_EQ(batched[i].outcome, single[i].outcome) << sites::format_site(batched[i].site);
      EXPECT_EQ(batched[i].tokens, single[i].tokens) << sites::format_site(batched[i].site);
      EXPECT_EQ(batched[i].corrections, single[i].corrections);
    }
  }
}

// Starting a step-s fault from the golden KV cache of the first s steps
// gives the tokens a from-scratch faulty generation gives.
TEST_P(TrialEngineTest, GoldenPrefixReuseMatchesAFullFaultyGeneration) {
  const GoldenRun golden = run_golden(*model_.loaded, input_, setup(ProtectionKind::none), settings_);
  TransientCell cell;
  cell.fault = fault::FaultModel::exponent_bit;
  const auto requests = draw(cell, golden, 40);
  const auto results = run(setup(ProtectionKind::none), requests);
  for (size_t i = 0; i < requests.size(); ++i) {
    auto injector = std::make_shared<injection::ActivationInjector>(
        std::vector<std::optional<sites::ActivationSite>>{requests[i].site}, fault::NumericFormat::fp32);
    runtime::HookSet hooks;
    for (const auto& point : injector->points()) hooks.attach(point, injector);
    runtime::GenerateOptions options;
    options.max_new_tokens = settings_.max_new_tokens;
    options.hooks = &hooks;
    const auto naive = runtime::generate(model_.model(), {golden.prompt_ids}, options);
    EXPECT_EQ(results[i].tokens, naive.tokens[0]) << sites::format_site(requests[i].site);
  }
}

// At the hook point, the faulty row differs from the fault-free row in the
// site's element only, by exactly the mask.
TEST_P(TrialEngineTest, OnlyTheInjectedElementChangesByExactlyTheMask) {
  const std::vector<int64_t> prompt = model_.loaded->encode(input_.prompt);
  const sites::ActivationSite site{0, 1, "o_proj", 37, (1u << 12) | (1u << 3)};
  auto injector = std::make_shared<injection::ActivationInjector>(
      std::vector<std::optional<sites::ActivationSite>>{std::nullopt, site}, fault::NumericFormat::fp32);
  at::Tensor seen;
  auto recorder = std::make_shared<runtime::FunctionHook>(
      [&](const runtime::HookPoint&, int64_t, at::Tensor& out) { seen = out.clone(); });
  runtime::HookSet hooks;
  hooks.attach({1, runtime::LayerKind::o_proj}, injector);
  hooks.attach({1, runtime::LayerKind::o_proj}, recorder);
  auto cache = model_.model().new_cache(2, 32);
  runtime::StepOptions step;
  step.hooks = &hooks;
  const at::Tensor ids = at::tensor(prompt, at::kLong).view({1, -1}).expand({2, -1}).contiguous();
  model_.model().forward_step(ids, at::Tensor(), cache, step);
  ASSERT_TRUE(seen.defined());
  const at::Tensor clean = seen[0].flatten().contiguous();
  const at::Tensor faulty = seen[1].flatten().contiguous();
  const at::Tensor differs = at::ne(clean, faulty);
  ASSERT_EQ(differs.sum().item<int64_t>(), 1);
  EXPECT_TRUE(differs[37].item<bool>());
  uint32_t a, b;
  const float va = clean[37].item<float>(), vb = faulty[37].item<float>();
  std::memcpy(&a, &va, 4);
  std::memcpy(&b, &vb, 4);
  EXPECT_EQ(a ^ b, site.bits);
}

// Half-precision runs: faults act on bf16 encodings (native) and on fp16
// encodings (emulated on a CPU); the null fault still never changes a token.
TEST(TrialEngineHalfPrecision, NoneAndExponentFaultsInBfloat16AndEmulatedFloat16) {
  for (const char* dtype : {"bfloat16", "float16"}) {
    TinyModel model(spec_for("LlamaForCausalLM"), dtype);
    const judge::DatasetInput input = make_input("w5 w9 w13 w4 w7 w21");
    GenerationSettings settings;
    settings.max_new_tokens = 6;
    const GoldenRun golden = run_golden(*model.loaded, input, ProtectionSetup{}, settings);
    const auto format = injection::hook_point_format(model.model().numerics());
    EXPECT_EQ(format, std::string(dtype) == "bfloat16" ? fault::NumericFormat::bf16 : fault::NumericFormat::fp16);
    for (auto fault_model : {fault::FaultModel::none, fault::FaultModel::exponent_bit}) {
      TransientCell cell;
      cell.fault = fault_model;
      std::vector<TrialRequest> requests;
      for (uint64_t t = 0; t < 50; ++t) {
        requests.push_back({t, draw_site(cell, 5, t, golden, model.loaded->config(), format)});
        if (fault_model == fault::FaultModel::exponent_bit) {
          const uint32_t exponent_field = format == fault::NumericFormat::bf16 ? 0x7F80u : 0x7C00u;
          EXPECT_EQ(requests.back().site.bits & ~exponent_field, 0u);
        }
      }
      EngineOptions options;
      options.generation = settings;
      TrialEngine engine(*model.loaded, ProtectionSetup{}, options);
      const auto results = engine.run(input, golden, requests);
      int identical = 0;
      for (const auto& r : results) identical += r.outcome == Outcome::masked_identical;
      if (fault_model == fault::FaultModel::none) {
        EXPECT_EQ(identical, 50) << dtype;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Architectures, TrialEngineTest, ::testing::Values("LlamaForCausalLM", "OPTForCausalLM"));

}  // namespace
}  // namespace beamline::engine
