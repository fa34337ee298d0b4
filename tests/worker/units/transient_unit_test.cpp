// Transient units through ModelRunner: input selection (golden_correct with
// a task filter, first), golden-run messages, every trial of the range once
// in order, the same rows on a rerun, the same draws and outcomes as
// `beamline trial --seed S --trial I`, and `stop`.
#include <gtest/gtest.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/campaign/trial_plan.h"
#include "common/protocol/wire_outcome.h"
#include "tests/support/cli_runner.h"
#include "tests/worker/units/units_world.h"
#include "common/manifest/file_digest.h"
#include "worker/units/model_runner.h"
#include "worker/units/transient_unit.h"

namespace beamline::units::testing {
namespace {

const std::string kSingleBit = "[[fault]]\nmodel = \"single_bit\"\n";
const std::string kFt2 = "[[protection]]\nkind = \"ft2\"\n";

TEST(TransientUnit, GoldenCorrectSelectsTheFirstCorrectRowsOfTheTask) {
  const UnitsWorld& w = world();
  ASSERT_GE(w.exact_correct_rows.size(), 4u);
  ModelRunner runner(runner_options());
  const std::string campaign = campaign_text("task = \"exact\"\ninputs = 4\nmax_new_tokens = 6\n", kSingleBit);
  const Emitted out = run_unit(runner, make_unit(campaign, 0, {3, 0, 2}));
  ASSERT_EQ(out.trials().size(), 2u);
  const auto golden = out.golden();
  ASSERT_EQ(golden.size(), 1u);  // protection none: the unprotected golden run is the unit's
  const int64_t row = w.exact_correct_rows[3];
  EXPECT_EQ(golden[0].input_index(), 3);
  EXPECT_EQ(golden[0].source_row(), row);
  EXPECT_EQ(golden[0].model(), "tiny");
  EXPECT_EQ(golden[0].dataset(), "rows.jsonl");
  EXPECT_EQ(golden[0].protection(), "none");
  EXPECT_TRUE(golden[0].correct());
  EXPECT_EQ(golden[0].output_text(), w.golden_texts[static_cast<size_t>(row)]);
  EXPECT_EQ(golden[0].prompt_digest(), manifest::digest_text(w.prompts[static_cast<size_t>(row)]));
  EXPECT_GT(golden[0].steps(), 0u);
  EXPECT_GT(golden[0].output_tokens_size(), 0);
  EXPECT_GT(golden[0].duration_seconds(), 0.0);
  EXPECT_GT(golden[0].first_token_seconds(), 0.0);
  EXPECT_LE(golden[0].first_token_seconds(), golden[0].duration_seconds());
  for (const auto& t : out.trials()) EXPECT_EQ(t.input_index(), 3);

  // `first` takes rows in order whatever their golden run says; without a
  // task every row counts.
  const std::string first = campaign_text("inputs = 6\nselection = \"first\"\nmax_new_tokens = 6\n", kSingleBit);
  const auto first_golden = run_unit(runner, make_unit(first, 0, {5, 0, 1})).golden();
  ASSERT_EQ(first_golden.size(), 1u);
  EXPECT_EQ(first_golden[0].source_row(), 5);
  EXPECT_EQ(first_golden[0].correct(), static_cast<bool>(w.correct[5]));
}

TEST(TransientUnit, EveryTrialOnceInOrderAndTheSameRowsWhenRerun) {
  ModelRunner runner(runner_options());
  const std::string campaign = campaign_text("inputs = 2\nselection = \"first\"\nmax_new_tokens = 6\n", kSingleBit, kFt2);
  // Two whole chunks and a part: 3 emitted batches.
  const uint64_t end = 3 + 2 * kTransientChunkTrials + 40;
  const wire::WorkUnit unit = make_unit(campaign, 0, {1, 3, end});
  const Emitted first = run_unit(runner, unit);
  const auto trials = first.trials();
  ASSERT_EQ(trials.size(), end - 3);
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(trials[i].trial_index(), 3 + i);
    EXPECT_EQ(trials[i].cell_id(), unit.cell_id());
    EXPECT_NE(trials[i].outcome(), wire::OUTCOME_UNSPECIFIED);
    EXPECT_FALSE(trials[i].site().empty());
  }
  ASSERT_GE(first.batches.size(), 3u);  // emitted as chunks complete, not at the end
  for (const auto& batch : first.batches) EXPECT_LE(batch.trials.size(), kTransientChunkTrials);
  // Golden runs ride on the first batch: unprotected (site draws) and ft2.
  ASSERT_EQ(first.batches[0].golden.size(), 2u);
  EXPECT_EQ(first.batches[0].golden[0].protection(), "none");
  EXPECT_EQ(first.batches[0].golden[1].protection(), "ft2:policy=clip_to_bound,scale=2");
  EXPECT_EQ(first.batches[0].golden[1].input_index(), 1);
  for (size_t b = 1; b < first.batches.size(); ++b) EXPECT_TRUE(first.batches[b].golden.empty());

  // A reissued unit on the same worker: same rows, golden runs not resent.
  const Emitted again = run_unit(runner, unit);
  EXPECT_TRUE(again.golden().empty());
  const auto rerun = again.trials();
  ASSERT_EQ(rerun.size(), trials.size());
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(rerun[i].site(), trials[i].site());
    EXPECT_EQ(rerun[i].outcome(), trials[i].outcome());
    EXPECT_EQ(rerun[i].corrections(), trials[i].corrections());
    EXPECT_EQ(rerun[i].first_divergence_step(), trials[i].first_divergence_step());
  }
  EXPECT_EQ(runner.models_loaded(), 1u);
}

TEST(TransientUnit, DrawsAndOutcomesEqualTheCli) {
  const UnitsWorld& w = world();
  ModelRunner runner(runner_options());
  // exponent_bit: faults that often change the output, so outcomes other
  // than masked_identical are compared too.
  const std::string campaign = campaign_text("inputs = 3\nselection = \"first\"\nmax_new_tokens = 6\n",
                                             "[[fault]]\nmodel = \"exponent_bit\"\n", kFt2);
  constexpr uint64_t kBegin = 5;
  constexpr uint64_t kCount = 30;
  const auto trials = run_unit(runner, make_unit(campaign, 0, {2, kBegin, kBegin + kCount})).trials();
  ASSERT_EQ(trials.size(), kCount);

  std::ostringstream args;
  args << "trial --model " << w.model_dir << " --dataset " << w.dataset_path
       << " --input 2 --fault exponent_bit --protect ft2 --seed 77 --trial " << kBegin << " --count " << kCount
       << " --max-new-tokens 6";
  const auto cli = beamline::testing::run_beamline(args.str());
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::istringstream lines(cli.out);
  std::string line;
  size_t i = 0;
  int differing = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ASSERT_LT(i, trials.size());
    const auto row = nlohmann::json::parse(line);
    EXPECT_EQ(row["trial"].get<uint64_t>(), trials[i].trial_index());
    EXPECT_EQ(row["site"].get<std::string>(), trials[i].site()) << "trial " << trials[i].trial_index();
    const auto outcome = protocol::from_wire(trials[i].outcome());
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(row["outcome"].get<std::string>(), campaign::to_string(*outcome)) << "trial " << trials[i].trial_index();
    EXPECT_EQ(row["corrections"].get<uint64_t>(), trials[i].corrections());
    const int32_t divergence = row["first_divergence_step"].is_null() ? -1 : row["first_divergence_step"].get<int32_t>();
    EXPECT_EQ(divergence, trials[i].first_divergence_step());
    differing += trials[i].outcome() != wire::MASKED_IDENTICAL;
    ++i;
  }
  EXPECT_EQ(i, trials.size());
  EXPECT_GT(differing, 0) << "no trial changed the output: the comparison would be weak";
  std::cout << "[ info    ] " << differing << " of " << kCount << " trials changed the output\n";
}

TEST(TransientUnit, StopIsHonouredBetweenChunks) {
  ModelRunner runner(runner_options());
  const std::string campaign = campaign_text("inputs = 1\nselection = \"first\"\nmax_new_tokens = 6\n", kSingleBit);
  const wire::WorkUnit unit = make_unit(campaign, 0, {0, 0, 3 * kTransientChunkTrials});
  std::atomic<bool> stop{false};
  std::vector<UnitBatch> batches;
  runner.run(unit, [&](UnitBatch&& b) {
    batches.push_back(std::move(b));
    stop = true;  // e.g. a shutdown arrived while the first chunk ran
  }, stop);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].trials.size(), kTransientChunkTrials);
  EXPECT_EQ(batches[0].trials.front().trial_index(), 0u);

  // Already stopped: nothing runs.
  std::vector<UnitBatch> none;
  runner.run(unit, [&](UnitBatch&& b) { none.push_back(std::move(b)); }, stop);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace beamline::units::testing
