// Every architecture against the float64 reference of the same equations:
// prefill logits at every position, greedy tokens and per-step logits
// through the KV cache, and left-padded batches.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/worker/runtime/test_support.h"
#include "worker/runtime/generate.h"

namespace beamline::runtime::testing {
namespace {

class ArchitectureTest : public ::testing::TestWithParam<Variant> {};

TEST_P(ArchitectureTest, PrefillLogitsMatchReferenceAtEveryPosition) {
  TinyModel tiny(GetParam().spec);
  const std::vector<int64_t> prompt = make_prompt(11, tiny.spec.vocab_size, 1);
  KVCache cache = tiny.model().new_cache(1, 16);
  StepOptions options;
  options.logits = LogitsMode::all;
  const at::Tensor ids = torch::tensor(prompt, torch::kLong).unsqueeze(0);
  const at::Tensor logits = tiny.model().forward_step(ids, at::Tensor(), cache, options);
  EXPECT_EQ(logits.scalar_type(), torch::kFloat);
  EXPECT_TRUE(logits_close(logits.squeeze(0), tiny.reference().logits(prompt)));
  EXPECT_EQ(cache.length(), 11);
}

TEST_P(ArchitectureTest, GreedyTokensAndStepLogitsMatchReference) {
  TinyModel tiny(GetParam().spec);
  const std::vector<int64_t> prompt = make_prompt(7, tiny.spec.vocab_size, 2);
  std::vector<at::Tensor> step_logits;
  GenerateOptions options;
  options.max_new_tokens = 10;
  options.eos_token_ids = std::vector<int64_t>{};  // run all 10 steps through the cache
  options.on_logits = [&](int64_t step, const at::Tensor& logits) {
    EXPECT_EQ(step, static_cast<int64_t>(step_logits.size()));
    step_logits.push_back(logits.clone());
  };
  const GenerateResult result = generate(tiny.model(), {prompt}, options);
  const ReferenceModel reference = tiny.reference();
  ASSERT_EQ(result.tokens.size(), 1u);
  EXPECT_EQ(result.tokens[0], reference.greedy(prompt, 10, /*eos=*/-1));
  EXPECT_EQ(result.steps, 10);

  std::vector<int64_t> full = prompt;
  full.insert(full.end(), result.tokens[0].begin(), result.tokens[0].end() - 1);
  const at::Tensor ref = reference.logits(full);
  ASSERT_EQ(step_logits.size(), 10u);
  for (size_t step = 0; step < step_logits.size(); ++step) {
    EXPECT_TRUE(logits_close(step_logits[step].squeeze(0), ref[static_cast<int64_t>(prompt.size() - 1 + step)]))
        << "step " << step;
  }
}

TEST_P(ArchitectureTest, LeftPaddedBatchLogitsMatchReferencePerRow) {
  TinyModel tiny(GetParam().spec);
  const std::vector<std::vector<int64_t>> prompts = {make_prompt(9, tiny.spec.vocab_size, 3),
                                                     make_prompt(2, tiny.spec.vocab_size, 4),
                                                     make_prompt(5, tiny.spec.vocab_size, 5)};
  const PromptBatch batch = left_pad(prompts, 0, tiny.model().device());
  KVCache cache = tiny.model().new_cache(3, 9);
  StepOptions options;
  options.logits = LogitsMode::all;
  const at::Tensor logits = tiny.model().forward_step(batch.input_ids, batch.attention_mask, cache, options);
  EXPECT_FALSE(logits.isnan().any().item<bool>()) << "padding rows must not produce NaN";
  const ReferenceModel reference = tiny.reference();
  for (size_t row = 0; row < prompts.size(); ++row) {
    const int64_t n = static_cast<int64_t>(prompts[row].size());
    EXPECT_TRUE(logits_close(logits[static_cast<int64_t>(row)].narrow(0, 9 - n, n), reference.logits(prompts[row])))
        << "row " << row;
  }
}

TEST_P(ArchitectureTest, BatchOfEightGivesEachRowItsBatchOfOneTokens) {
  TinyModel tiny(GetParam().spec);
  std::vector<std::vector<int64_t>> prompts;
  const int64_t lengths[] = {5, 1, 12, 3, 8, 2, 10, 6};
  for (int i = 0; i < 8; ++i) prompts.push_back(make_prompt(lengths[i], tiny.spec.vocab_size, 10 + i));
  GenerateOptions options;
  options.max_new_tokens = 12;
  const GenerateResult batched = generate(tiny.model(), prompts, options);
  for (size_t row = 0; row < prompts.size(); ++row) {
    const GenerateResult alone = generate(tiny.model(), {prompts[row]}, options);
    EXPECT_EQ(batched.tokens[row], alone.tokens[0]) << "row " << row;
    EXPECT_EQ(batched.stopped_at_eos[row], alone.stopped_at_eos[0]) << "row " << row;
  }
}

INSTANTIATE_TEST_SUITE_P(Runtime, ArchitectureTest, ::testing::ValuesIn(all_variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) { return info.param.name; });

}  // namespace
}  // namespace beamline::runtime::testing
