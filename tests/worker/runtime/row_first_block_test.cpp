// StepOptions::row_first_block: rows that equal row 0 before some block
// skip the blocks before it and enter with row 0's hidden state. For rows
// that do equal row 0 the logits and the cache entries of the blocks they
// run are those of running every block; the skipped blocks' columns are
// left as they were, and hooks there see only the rows that run them.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>
#include <stdexcept>

#include "tests/worker/runtime/test_support.h"

namespace beamline::runtime::testing {
namespace {

class RowFirstBlockTest : public ::testing::TestWithParam<Variant> {
 protected:
  static TinySpec three_blocks() {
    TinySpec spec = GetParam().spec;
    spec.num_layers = 3;
    return spec;
  }
  // `rows` copies of one prompt, [rows, length].
  static at::Tensor same_prompt(const std::vector<int64_t>& prompt, int64_t rows) {
    return torch::tensor(prompt, torch::kLong).view({1, -1}).expand({rows, -1}).contiguous();
  }
};

TEST_P(RowFirstBlockTest, JoiningRowsGetTheFullStepsLogitsAndEntries) {
  const TinySpec spec = three_blocks();
  TinyModel tiny(spec);
  CausalLM& lm = tiny.model();
  const int64_t batch = 5;
  const std::vector<int64_t> prompt = make_prompt(7, spec.vocab_size, 4);
  const at::Tensor ids = same_prompt(prompt, batch);
  KVCache prefilled = lm.new_cache(batch, 16);
  const at::Tensor first = lm.forward_step(ids, at::Tensor(), prefilled);
  const at::Tensor next = first.argmax(-1).view({batch, 1});

  KVCache full = prefilled.clone();
  const at::Tensor full_logits = lm.forward_step(next, at::Tensor(), full);

  KVCache joined = prefilled.clone();
  StepOptions options;
  options.row_first_block = {0, 0, 1, 2, 3};  // the last row skips every block
  std::map<int64_t, int64_t> rows_seen;      // block -> rows its hooks saw
  HookSet hooks;
  hooks.attach_everywhere(std::make_shared<FunctionHook>(
      [&](const HookPoint& point, int64_t, at::Tensor& out) { rows_seen[point.block] = out.size(0); }));
  options.hooks = &hooks;
  const at::Tensor joined_logits = lm.forward_step(next, at::Tensor(), joined, options);

  EXPECT_TRUE(torch::equal(joined_logits, full_logits));
  EXPECT_EQ(rows_seen, (std::map<int64_t, int64_t>{{0, 2}, {1, 3}, {2, 4}}));
  const int64_t column = static_cast<int64_t>(prompt.size());
  for (int64_t row = 0; row < batch; ++row) {
    for (int64_t layer = 0; layer < spec.num_layers; ++layer) {
      const bool ran = layer >= options.row_first_block[static_cast<size_t>(row)];
      const auto entry = [&](const KVCache& c) { return c.keys(layer)[row].select(1, column); };
      const auto value = [&](const KVCache& c) { return c.values(layer)[row].select(1, column); };
      const KVCache& expected = ran ? full : prefilled;
      EXPECT_TRUE(torch::equal(entry(joined), entry(expected))) << "row " << row << " layer " << layer;
      EXPECT_TRUE(torch::equal(value(joined), value(expected))) << "row " << row << " layer " << layer;
    }
  }
}

// With a resumed step (first_block 1 from the hidden state a full run saw
// entering block 1), a prefill: rows at or before block 1 start there.
TEST_P(RowFirstBlockTest, WithAResumedPrefillRowsStartAtTheResumedBlock) {
  const TinySpec spec = three_blocks();
  TinyModel tiny(spec);
  CausalLM& lm = tiny.model();
  const int64_t batch = 4;
  const at::Tensor ids = same_prompt(make_prompt(6, spec.vocab_size, 9), batch);
  KVCache full = lm.new_cache(batch, 8);
  at::Tensor entering_1;
  StepOptions watch;
  watch.on_block_input = [&](int64_t block, const at::Tensor& hidden) {
    if (block == 1) entering_1 = hidden.clone();
  };
  const at::Tensor full_logits = lm.forward_step(ids, at::Tensor(), full, watch);

  KVCache resumed = full.clone();
  resumed.truncate(0);  // forgets the columns, keeps block 0's entries
  StepOptions options;
  options.first_block = 1;
  options.first_hidden = entering_1;
  options.row_first_block = {0, 1, 2, 3};
  const at::Tensor logits = lm.forward_step(ids, at::Tensor(), resumed, options);
  EXPECT_TRUE(torch::equal(logits, full_logits));
  for (int64_t layer = 1; layer < spec.num_layers; ++layer) {
    const int64_t ran = layer + 1;  // rows 0..layer run it
    EXPECT_TRUE(torch::equal(resumed.keys(layer).narrow(0, 0, ran), full.keys(layer).narrow(0, 0, ran)))
        << "layer " << layer;
  }
}

TEST_P(RowFirstBlockTest, BadEntriesAreRefusedAndTheCacheKept) {
  TinyModel tiny(GetParam().spec);
  CausalLM& lm = tiny.model();
  KVCache cache = lm.new_cache(3, 8);
  const at::Tensor ids = same_prompt(make_prompt(3, tiny.spec.vocab_size, 1), 3);
  const auto layers = tiny.spec.num_layers;
  for (const std::vector<int64_t>& bad : std::vector<std::vector<int64_t>>{
           {0, 1}, {1, 1, 1}, {0, 1, 0}, {0, 0, layers + 1}}) {
    StepOptions options;
    options.row_first_block = bad;
    EXPECT_THROW(lm.forward_step(ids, at::Tensor(), cache, options), std::invalid_argument);
    EXPECT_EQ(cache.length(), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Runtime, RowFirstBlockTest, ::testing::ValuesIn(all_variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) { return info.param.name; });

}  // namespace
}  // namespace beamline::runtime::testing
