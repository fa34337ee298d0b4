// Generation mechanics: per-row eos stops, prompt validation, and the cache
// operations the trial engine relies on (fork a golden row, cut back to a
// prefix and continue).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/error.h"
#include "tests/worker/runtime/test_support.h"
#include "worker/runtime/generate.h"

namespace beamline::runtime::testing {
namespace {

TinySpec llama_spec() {
  TinySpec s;
  s.num_kv_heads = 2;
  return s;
}

TEST(Generation, EachRowStopsAtItsOwnEos) {
  TinyModel tiny(llama_spec());
  const auto v = tiny.spec.vocab_size;
  const std::vector<std::vector<int64_t>> prompts = {make_prompt(4, v, 1), make_prompt(6, v, 2)};
  GenerateOptions free_run;
  free_run.max_new_tokens = 6;
  free_run.eos_token_ids = std::vector<int64_t>{};
  const GenerateResult reference = generate(tiny.model(), prompts, free_run);
  ASSERT_EQ(reference.tokens[0].size(), 6u);

  // Make row 0's third token the stop id: row 0 stops there, row 1 stops at
  // its first occurrence of that id (if any), else runs to the end.
  const int64_t stop = reference.tokens[0][2];
  GenerateOptions options = free_run;
  options.eos_token_ids = std::vector<int64_t>{stop};
  const GenerateResult result = generate(tiny.model(), prompts, options);
  for (size_t row = 0; row < 2; ++row) {
    std::vector<int64_t> expected;
    bool stopped = false;
    for (int64_t id : reference.tokens[row]) {
      expected.push_back(id);
      if (id == stop) {
        stopped = true;
        break;
      }
    }
    EXPECT_EQ(result.tokens[row], expected) << "row " << row;
    EXPECT_EQ(result.stopped_at_eos[row], stopped) << "row " << row;
  }
  EXPECT_TRUE(result.stopped_at_eos[0]);
  EXPECT_EQ(result.tokens[0].size(), 3u);
}

TEST(Generation, ConfigEosIsTheDefaultStop) {
  TinySpec spec = llama_spec();
  TinyModel probe(spec);
  const std::vector<int64_t> prompt = make_prompt(5, spec.vocab_size, 3);
  GenerateOptions free_run;
  free_run.max_new_tokens = 4;
  free_run.eos_token_ids = std::vector<int64_t>{};
  const std::vector<int64_t> tokens = generate(probe.model(), {prompt}, free_run).tokens[0];

  spec.eos_token_id = tokens[1];  // config.json's eos_token_id
  TinyModel tiny(spec);
  GenerateOptions options;
  options.max_new_tokens = 4;
  const GenerateResult result = generate(tiny.model(), {prompt}, options);
  const std::vector<int64_t> expected =
      tokens[0] == tokens[1] ? std::vector<int64_t>{tokens[0]} : std::vector<int64_t>{tokens[0], tokens[1]};
  EXPECT_EQ(result.tokens[0], expected);
  EXPECT_TRUE(result.stopped_at_eos[0]);
}

TEST(Generation, RejectsIdsOutsideTheVocabularyAndEmptyPrompts) {
  TinyModel tiny(llama_spec());
  GenerateOptions options;
  options.max_new_tokens = 2;
  try {
    generate(tiny.model(), {{3, 64, 5}}, options);
    ADD_FAILURE() << "no error for id 64";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("64"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("vocab_size 64"), std::string::npos) << e.what();
  }
  EXPECT_THROW(generate(tiny.model(), {{3, -1}}, options), Error);
  EXPECT_THROW(generate(tiny.model(), {{}}, options), Error);
  EXPECT_THROW(generate(tiny.model(), {}, options), Error);
}

TEST(Generation, ForkedGoldenRowsContinueLikeTheGoldenRun) {
  TinyModel tiny(llama_spec());
  const std::vector<int64_t> prompt = make_prompt(7, tiny.spec.vocab_size, 4);
  GenerateOptions options;
  options.max_new_tokens = 8;
  options.eos_token_ids = std::vector<int64_t>{};

  // Golden: prefill + 2 decode steps, then keep the cache.
  KVCache golden = tiny.model().new_cache(1, 16);
  const at::Tensor ids = torch::tensor(prompt, torch::kLong).unsqueeze(0);
  at::Tensor logits = tiny.model().forward_step(ids, at::Tensor(), golden);
  std::vector<int64_t> prefix;
  for (int64_t step = 1; step <= 2; ++step) {
    prefix.push_back(logits.argmax(-1).item<int64_t>());
    StepOptions so;
    so.step = step;
    logits = tiny.model().forward_step(torch::tensor({prefix.back()}, torch::kLong).unsqueeze(0), at::Tensor(),
                                       golden, so);
  }
  GenerateOptions rest = options;
  rest.max_new_tokens = 6;
  KVCache golden_copy = golden.clone();
  const GenerateResult golden_rest = continue_greedy(tiny.model(), golden_copy, logits, 3, rest);

  // Fork into 3 rows (as trial rows) and continue: each row equals golden.
  KVCache forked = golden.select_rows(torch::tensor({0, 0, 0}, torch::kLong));
  EXPECT_EQ(forked.batch(), 3);
  EXPECT_EQ(forked.length(), golden.length());
  const GenerateResult rows = continue_greedy(tiny.model(), forked, logits.expand({3, -1}).contiguous(), 3, rest);
  for (const auto& row : rows.tokens) EXPECT_EQ(row, golden_rest.tokens[0]);

  // The full run from scratch agrees with prefix + continuation.
  std::vector<int64_t> joined = prefix;
  joined.insert(joined.end(), golden_rest.tokens[0].begin(), golden_rest.tokens[0].end());
  EXPECT_EQ(generate(tiny.model(), {prompt}, options).tokens[0], joined);
}

TEST(Generation, TruncatedCacheRecomputesTheSameLogits) {
  TinyModel tiny(llama_spec());
  const std::vector<int64_t> prompt = make_prompt(6, tiny.spec.vocab_size, 5);
  KVCache cache = tiny.model().new_cache(1, 4);  // grows on demand
  tiny.model().forward_step(torch::tensor(prompt, torch::kLong).unsqueeze(0), at::Tensor(), cache);
  const at::Tensor next = torch::tensor({{9}}, torch::kLong);
  const at::Tensor first = tiny.model().forward_step(next, at::Tensor(), cache);
  tiny.model().forward_step(torch::tensor({{11}}, torch::kLong), at::Tensor(), cache);
  EXPECT_EQ(cache.length(), 8);
  cache.truncate(6);
  EXPECT_EQ(cache.length(), 6);
  EXPECT_TRUE(torch::equal(tiny.model().forward_step(next, at::Tensor(), cache), first));
}

TEST(Generation, FailedStepLeavesTheCacheUnchanged) {
  TinyModel tiny(llama_spec());
  KVCache cache = tiny.model().new_cache(1, 8);
  tiny.model().forward_step(torch::tensor({{3, 4, 5}}, torch::kLong), at::Tensor(), cache);
  EXPECT_THROW(tiny.model().forward_step(torch::tensor({{99}}, torch::kLong), at::Tensor(), cache), Error);
  EXPECT_EQ(cache.length(), 3);
  EXPECT_EQ(cache.pending(), 0);
  HookSet failing;
  failing.attach({0, LayerKind::v_proj}, std::make_shared<FunctionHook>([](const HookPoint&, int64_t, at::Tensor&) {
                   throw std::runtime_error("hook failed");
                 }));
  StepOptions options;
  options.hooks = &failing;
  EXPECT_THROW(tiny.model().forward_step(torch::tensor({{6}}, torch::kLong), at::Tensor(), cache, options),
               std::runtime_error);
  EXPECT_EQ(cache.length(), 3);
  EXPECT_EQ(cache.attention_mask().sum().item<int64_t>(), 3);
}

}  // namespace
}  // namespace beamline::runtime::testing
