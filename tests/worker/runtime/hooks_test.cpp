// Hook points: every one is reported with the right shape and step, a hook
// can change the output, and an attached no-op hook changes nothing.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>
#include <set>

#include "common/error.h"
#include "tests/worker/runtime/test_support.h"
#include "worker/runtime/dataflow.h"
#include "worker/runtime/generate.h"
#include "worker/runtime/layer_kind.h"

namespace beamline::runtime::testing {
namespace {

int64_t expected_features(const TinySpec& s, LayerKind kind) {
  switch (kind) {
    case LayerKind::q_proj:
      return s.num_heads * s.head_dim();
    case LayerKind::k_proj:
    case LayerKind::v_proj:
      return (s.is_opt() ? s.num_heads : s.num_kv_heads) * s.head_dim();
    case LayerKind::o_proj:
    case LayerKind::down_proj:
    case LayerKind::fc2:
      return s.hidden_size;
    default:
      return s.intermediate_size;
  }
}

class HookTest : public ::testing::TestWithParam<Variant> {};

TEST_P(HookTest, EveryHookPointSeenWithBatchShapeAtEveryStep) {
  TinyModel tiny(GetParam().spec);
  std::map<int64_t, std::vector<HookPoint>> seen;  // step -> points in order
  HookSet hooks;
  hooks.attach_everywhere(std::make_shared<FunctionHook>([&](const HookPoint& point, int64_t step, at::Tensor& out) {
    seen[step].push_back(point);
    const int64_t positions = step == 0 ? 6 : 1;
    EXPECT_EQ(out.sizes(), (at::IntArrayRef{3, positions, expected_features(tiny.spec, point.kind)}))
        << to_string(point) << " step " << step;
  }));
  GenerateOptions options;
  options.max_new_tokens = 4;
  options.eos_token_ids = std::vector<int64_t>{};
  options.hooks = &hooks;
  const auto v = tiny.spec.vocab_size;
  generate(tiny.model(), {make_prompt(6, v, 1), make_prompt(3, v, 2), make_prompt(4, v, 3)}, options);

  const std::vector<HookPoint> expected = tiny.model().hook_points();
  ASSERT_EQ(seen.size(), 4u);  // prefill + 3 decode steps (the 4th token needs no step)
  for (const auto& [step, points] : seen) {
    EXPECT_EQ(points, expected) << "step " << step;
  }
}

TEST_P(HookTest, ZeroingAnOutputChangesLogitsAndANoOpChangesNothing) {
  TinyModel tiny(GetParam().spec);
  const at::Tensor ids = torch::tensor(make_prompt(8, tiny.spec.vocab_size, 4), torch::kLong).unsqueeze(0);
  const auto run = [&](const HookSet* hooks) {
    KVCache cache = tiny.model().new_cache(1, 8);
    StepOptions options;
    options.hooks = hooks;
    options.logits = LogitsMode::all;
    return tiny.model().forward_step(ids, at::Tensor(), cache, options);
  };
  const at::Tensor baseline = run(nullptr);

  HookSet noop;
  noop.attach_everywhere(std::make_shared<FunctionHook>([](const HookPoint&, int64_t, at::Tensor&) {}));
  EXPECT_TRUE(torch::equal(run(&noop), baseline));

  for (LayerKind kind : block_layer_kinds(tiny.loaded->config().family)) {
    HookSet zero;
    zero.attach({1, kind}, std::make_shared<FunctionHook>([](const HookPoint&, int64_t, at::Tensor& out) {
      out.zero_();
    }));
    EXPECT_FALSE(torch::allclose(run(&zero), baseline)) << "zeroing " << to_string(kind) << " changed nothing";
  }
}

TEST_P(HookTest, HookOnOneRowLeavesTheOtherRowsAlone) {
  TinyModel tiny(GetParam().spec);
  const auto v = tiny.spec.vocab_size;
  const std::vector<std::vector<int64_t>> prompts = {make_prompt(5, v, 7), make_prompt(5, v, 7)};
  HookSet hooks;
  hooks.attach({0, LayerKind::o_proj},
               std::make_shared<FunctionHook>([](const HookPoint&, int64_t step, at::Tensor& out) {
                 if (step == 0) out[1].fill_(1000.0);
               }));
  const PromptBatch batch = left_pad(prompts, 0, tiny.model().device());
  KVCache cache = tiny.model().new_cache(2, 5);
  StepOptions options;
  options.hooks = &hooks;
  const at::Tensor logits = tiny.model().forward_step(batch.input_ids, batch.attention_mask, cache, options);
  KVCache clean_cache = tiny.model().new_cache(2, 5);
  const at::Tensor clean = tiny.model().forward_step(batch.input_ids, batch.attention_mask, clean_cache);
  EXPECT_TRUE(torch::equal(logits[0], clean[0]));
  EXPECT_FALSE(torch::allclose(logits[1], clean[1]));
}

INSTANTIATE_TEST_SUITE_P(Runtime, HookTest, ::testing::ValuesIn(all_variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) { return info.param.name; });

TEST(LayerKind, NamesRoundTripAndUnknownNamesFail) {
  for (LayerKind kind : all_layer_kinds()) EXPECT_EQ(parse_layer_kind(to_string(kind)), kind);
  EXPECT_EQ(to_string(LayerKind::o_proj), "o_proj");
  EXPECT_EQ(to_string(LayerKind::act), "act");
  EXPECT_EQ(to_string(HookPoint{3, LayerKind::v_proj}), "3.v_proj");
  EXPECT_FALSE(try_parse_layer_kind("out_proj").has_value());
  EXPECT_THROW(parse_layer_kind("out_proj"), Error);
}

TEST(LayerKind, FamiliesListTheirHookPoints) {
  std::vector<std::string> llama, opt;
  for (LayerKind k : block_layer_kinds(modelio::ArchitectureFamily::llama)) llama.push_back(to_string(k));
  for (LayerKind k : block_layer_kinds(modelio::ArchitectureFamily::opt)) opt.push_back(to_string(k));
  EXPECT_EQ(llama, (std::vector<std::string>{"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "act",
                                             "down_proj"}));
  EXPECT_EQ(opt, (std::vector<std::string>{"q_proj", "k_proj", "v_proj", "o_proj", "fc1", "act", "fc2"}));
  modelio::ModelConfig config;
  config.family = modelio::ArchitectureFamily::opt;
  config.num_hidden_layers = 3;
  EXPECT_EQ(hook_points(config).size(), 21u);
}

// The FT2 heuristic over the data-flow description gives the study's
// critical sets: Llama v/o/up/down_proj, OPT v/o_proj and fc2.
TEST(Dataflow, CriticalLayerHeuristicGivesTheStudysSets) {
  const auto critical = [](modelio::ArchitectureFamily family) {
    std::vector<std::string> names;
    for (LayerKind kind : block_layer_kinds(family)) {
      if (!is_linear(kind)) continue;
      bool scaled = false;
      for (PathOp op : path_to_next_linear(family, kind)) {
        scaled = scaled || op == PathOp::attention_scale || op == PathOp::softmax || op == PathOp::activation;
      }
      if (!scaled) names.push_back(to_string(kind));
    }
    return names;
  };
  EXPECT_EQ(critical(modelio::ArchitectureFamily::llama),
            (std::vector<std::string>{"v_proj", "o_proj", "up_proj", "down_proj"}));
  EXPECT_EQ(critical(modelio::ArchitectureFamily::opt), (std::vector<std::string>{"v_proj", "o_proj", "fc2"}));
}

}  // namespace
}  // namespace beamline::runtime::testing
