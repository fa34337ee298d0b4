// bfloat16 runs natively; float16 on a CPU is emulated: float32 compute with
// every hook-point output rounded to float16 before hooks see it.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/worker/runtime/test_support.h"
#include "worker/runtime/generate.h"

namespace beamline::runtime::testing {
namespace {

TinySpec spec_for(const std::string& arch) {
  TinySpec s;
  s.architecture = arch;
  if (arch == "OPTForCausalLM") {
    s.intermediate_size = 64;
    s.tie_word_embeddings = true;
  } else {
    s.num_kv_heads = 2;
  }
  return s;
}

class PrecisionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PrecisionTest, Float16IsEmulatedWithFloat16ValuesAtEveryHookPoint) {
  TinyModel tiny(spec_for(GetParam()), "float16");
  EXPECT_EQ(tiny.loaded->dtype_label(), "float16-emulated");
  EXPECT_TRUE(tiny.model().numerics().emulate_float16);
  int64_t checked = 0;
  HookSet hooks;
  hooks.attach_everywhere(std::make_shared<FunctionHook>([&](const HookPoint& point, int64_t, at::Tensor& out) {
    EXPECT_EQ(out.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::equal(out, out.to(torch::kHalf).to(torch::kFloat))) << to_string(point);
    ++checked;
  }));
  for (const auto& weight : tiny.model().weights()) {
    EXPECT_TRUE(torch::equal(weight.tensor, weight.tensor.to(torch::kHalf).to(torch::kFloat))) << weight.name;
  }
  GenerateOptions options;
  options.max_new_tokens = 3;
  options.hooks = &hooks;
  options.on_logits = [](int64_t, const at::Tensor& logits) {
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
    EXPECT_TRUE(torch::equal(logits, logits.to(torch::kHalf).to(torch::kFloat)));
  };
  const GenerateResult result = generate(tiny.model(), {make_prompt(5, tiny.spec.vocab_size, 1)}, options);
  EXPECT_FALSE(result.tokens[0].empty());
  EXPECT_GT(checked, 0);

  // Close to float32 (float16 keeps ~3 decimal digits).
  TinyModel fp32(tiny.spec, "float32");
  const at::Tensor ids = torch::tensor(make_prompt(6, tiny.spec.vocab_size, 2), torch::kLong).unsqueeze(0);
  KVCache c16 = tiny.model().new_cache(1, 6);
  KVCache c32 = fp32.model().new_cache(1, 6);
  const at::Tensor l16 = tiny.model().forward_step(ids, at::Tensor(), c16);
  const at::Tensor l32 = fp32.model().forward_step(ids, at::Tensor(), c32);
  EXPECT_LT((l16 - l32).abs().max().item<double>(), 0.05 * l32.abs().max().item<double>());
}

TEST_P(PrecisionTest, InjectedOverflowBecomesInfinityAsInFloat16) {
  TinyModel tiny(spec_for(GetParam()), "float16");
  HookSet hooks;
  // A hook writes 70000 (> float16 max 65504); the next rounding (the
  // residual add) overflows to inf exactly as float16 would.
  hooks.attach({0, LayerKind::o_proj}, std::make_shared<FunctionHook>([](const HookPoint&, int64_t, at::Tensor& out) {
                 out[0][0][0] = 70000.0;
               }));
  int64_t seen_inf = 0;
  hooks.attach({1, LayerKind::q_proj}, std::make_shared<FunctionHook>([&](const HookPoint&, int64_t, at::Tensor& out) {
                 seen_inf += torch::isfinite(out).all().item<bool>() ? 0 : 1;
               }));
  KVCache cache = tiny.model().new_cache(1, 4);
  StepOptions options;
  options.hooks = &hooks;
  const at::Tensor ids = torch::tensor(make_prompt(4, tiny.spec.vocab_size, 3), torch::kLong).unsqueeze(0);
  tiny.model().forward_step(ids, at::Tensor(), cache, options);
  EXPECT_EQ(seen_inf, 1);
}

TEST_P(PrecisionTest, Bfloat16RunsNatively) {
  TinyModel tiny(spec_for(GetParam()), "bfloat16");
  EXPECT_EQ(tiny.loaded->dtype_label(), "bfloat16");
  HookSet hooks;
  hooks.attach_everywhere(std::make_shared<FunctionHook>([](const HookPoint& point, int64_t, at::Tensor& out) {
    EXPECT_EQ(out.scalar_type(), torch::kBFloat16) << to_string(point);
  }));
  GenerateOptions options;
  options.max_new_tokens = 4;
  options.hooks = &hooks;
  std::vector<int64_t> prompt = make_prompt(5, tiny.spec.vocab_size, 4);
  const GenerateResult result = generate(tiny.model(), {prompt, make_prompt(2, tiny.spec.vocab_size, 5)}, options);
  EXPECT_FALSE(result.tokens[0].empty());

  TinyModel fp32(tiny.spec, "float32");
  const at::Tensor ids = torch::tensor(prompt, torch::kLong).unsqueeze(0);
  KVCache cb = tiny.model().new_cache(1, 5);
  KVCache c32 = fp32.model().new_cache(1, 5);
  const at::Tensor lb = tiny.model().forward_step(ids, at::Tensor(), cb);
  const at::Tensor l32 = fp32.model().forward_step(ids, at::Tensor(), c32);
  EXPECT_EQ(lb.scalar_type(), torch::kFloat);
  EXPECT_LT((lb - l32).abs().max().item<double>(), 0.15 * l32.abs().max().item<double>());
}

INSTANTIATE_TEST_SUITE_P(Runtime, PrecisionTest, ::testing::Values("LlamaForCausalLM", "OPTForCausalLM"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(0, info.param.find("For"));
                         });

}  // namespace
}  // namespace beamline::runtime::testing
