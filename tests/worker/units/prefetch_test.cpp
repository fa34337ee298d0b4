// ModelRunner::prefetch (worker pipelining): what it prepares is what run()
// then uses -- no golden run computed twice, the same rows and golden
// messages as without it -- and a prefetch beside a running weight-fault
// unit, which writes into the shared model, still sees the file's weights.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/worker/units/units_world.h"
#include "worker/units/model_runner.h"

namespace beamline::units::testing {
namespace {

const std::string kSingleBit = "[[fault]]\nmodel = \"single_bit\"\n";
const std::string kFt2 = "[[protection]]\nkind = \"ft2\"\n";
const std::string kDataset = "inputs = 3\nselection = \"first\"\nmax_new_tokens = 6\n";

void expect_same_rows(const std::vector<wire::TrialResult>& a, const std::vector<wire::TrialResult>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].trial_index(), b[i].trial_index());
    EXPECT_EQ(a[i].site(), b[i].site());
    EXPECT_EQ(a[i].outcome(), b[i].outcome());
    EXPECT_EQ(a[i].corrections(), b[i].corrections());
    EXPECT_EQ(a[i].first_divergence_step(), b[i].first_divergence_step());
  }
}

void expect_same_golden(const std::vector<wire::GoldenRun>& a, const std::vector<wire::GoldenRun>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].protection(), b[i].protection());
    EXPECT_EQ(a[i].source_row(), b[i].source_row());
    EXPECT_EQ(a[i].output_text(), b[i].output_text());
    EXPECT_EQ(a[i].correct(), b[i].correct());
  }
}

TEST(Prefetch, RunFindsEverythingPreparedAndEmitsTheSameRowsAndGoldenRuns) {
  const std::string campaign = campaign_text(kDataset, kSingleBit, kFt2);
  const wire::WorkUnit unit = make_unit(campaign, 0, {2, 0, 40});
  ModelRunner plain(runner_options());
  const Emitted reference = run_unit(plain, unit);

  ModelRunner runner(runner_options());
  const std::atomic<bool> stop{false};
  runner.prefetch(unit, stop);
  EXPECT_EQ(runner.models_loaded(), 1u);
  const size_t prepared = runner.golden_runs_cached();
  EXPECT_EQ(prepared, 2u);  // input 2's golden runs, unprotected and ft2 (selection "first" needs no others)
  const Emitted out = run_unit(runner, unit);
  EXPECT_EQ(runner.golden_runs_cached(), prepared);  // run() computed none of its own
  expect_same_rows(out.trials(), reference.trials());
  // The prefetch does not report: the unit's batches carry its golden runs.
  expect_same_golden(out.golden(), reference.golden());
}

TEST(Prefetch, ABadUnitIsLeftForRunToReport) {
  const std::string campaign = campaign_text(kDataset, kSingleBit);
  wire::WorkUnit unit = make_unit(campaign, 0, {0, 0, 4});
  unit.mutable_model()->set_path("no/such/model");
  ModelRunner runner(runner_options());
  const std::atomic<bool> stop{false};
  EXPECT_NO_THROW(runner.prefetch(unit, stop));
  EXPECT_THROW(run_unit(runner, unit), std::exception);
}

TEST(Prefetch, BesideAWeightFaultUnitItSeesTheFilesWeights) {
  // A weight unit that corrupts most of the model while a transient unit of
  // the same model is prefetched on another thread: whatever the
  // interleaving, the prefetched golden runs are the fault-free ones.
  const std::string weights = campaign_text(
      "inputs = 3\nselection = \"first\"\nmax_new_tokens = 6\n",
      "[[fault]]\nmodel = \"bit_error_rate\"\nrates = [0.05]\nlayer_groups = [\"0-1\"]\n");
  const wire::WorkUnit weight_unit = make_unit(weights, 0, {campaign::kEveryInput, 0, 6});
  // ft2: its golden run is not one the weight unit computes for itself.
  const std::string transient = campaign_text(kDataset, kSingleBit, kFt2);
  const wire::WorkUnit transient_unit = make_unit(transient, 0, {1, 0, 30}, 2);

  ModelRunner plain(runner_options());
  const Emitted reference = run_unit(plain, transient_unit);

  ModelRunner runner(runner_options());
  const std::atomic<bool> stop{false};
  std::atomic<bool> weights_done{false};
  std::thread weight_thread([&] {
    run_unit(runner, weight_unit);
    weights_done = true;
  });
  runner.prefetch(transient_unit, stop);
  weight_thread.join();
  ASSERT_TRUE(weights_done.load());
  const Emitted out = run_unit(runner, transient_unit);
  expect_same_rows(out.trials(), reference.trials());
  // The weight unit already reported the unprotected golden run of its
  // inputs (once per worker); the ft2 one comes with this unit.
  const auto protected_only = [](const std::vector<wire::GoldenRun>& all) {
    std::vector<wire::GoldenRun> kept;
    for (const auto& g : all) {
      if (g.protection() != "none") kept.push_back(g);
    }
    return kept;
  };
  ASSERT_EQ(protected_only(out.golden()).size(), 1u);
  expect_same_golden(protected_only(out.golden()), protected_only(reference.golden()));
}

}  // namespace
}  // namespace beamline::units::testing
