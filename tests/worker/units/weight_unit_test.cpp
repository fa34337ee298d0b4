// Weight-fault units through ModelRunner: the result fields (accuracy,
// non-finite count, fault count, input -1), p = 0 against the fault-free
// evaluation, the same faults and accuracy as `beamline trial --fault
// bit_error_rate ...`, and `stop`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "common/campaign/trial_plan.h"
#include "tests/support/cli_runner.h"
#include "tests/worker/units/units_world.h"
#include "worker/units/model_runner.h"
#include "worker/units/weight_unit.h"

namespace beamline::units::testing {
namespace {

const std::string kEval = "inputs = 5\nselection = \"first\"\nmax_new_tokens = 6\n";
// Cells: rate 0, then rate 0.02 (protection none).
const std::string kWeightFault =
    "[[fault]]\nmodel = \"bit_error_rate\"\nrates = [0.0, 0.02]\ncomponents = [\"attention\"]\n";

TEST(WeightUnit, FillsAccuracyNonFiniteAndFaultCount) {
  ModelRunner runner(runner_options());
  const std::string campaign = campaign_text(kEval, kWeightFault);
  const wire::WorkUnit clean = make_unit(campaign, 0, {campaign::kEveryInput, 0, 2});
  EXPECT_EQ(clean.fault().selection(), "component=attention");
  const Emitted zero = run_unit(runner, clean);
  ASSERT_EQ(zero.trials().size(), 2u);
  for (const auto& t : zero.trials()) {
    EXPECT_EQ(t.input_index(), -1);
    ASSERT_TRUE(t.has_accuracy() && t.has_non_finite() && t.has_fault_count());
    EXPECT_EQ(t.fault_count(), 0u);
    EXPECT_EQ(t.non_finite(), 0u);
    EXPECT_EQ(t.outcome(), wire::MASKED_IDENTICAL);  // p = 0 is the fault-free evaluation
    EXPECT_EQ(t.first_divergence_step(), -1);
  }
  // The evaluation set is the selected inputs; their golden rows are reported.
  const auto golden = zero.golden();
  ASSERT_EQ(golden.size(), 5u);
  int correct = 0;
  for (size_t i = 0; i < golden.size(); ++i) {
    EXPECT_EQ(golden[i].input_index(), static_cast<int64_t>(i));
    correct += golden[i].correct();
  }
  EXPECT_DOUBLE_EQ(zero.trials()[0].accuracy(), correct / 5.0);

  const Emitted faulty = run_unit(runner, make_unit(campaign, 1, {campaign::kEveryInput, 0, 4}));
  const auto trials = faulty.trials();
  ASSERT_EQ(trials.size(), 4u);
  ASSERT_EQ(faulty.batches.size(), 4u);  // one trial per batch: each is a whole evaluation
  uint64_t faults = 0;
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(trials[i].trial_index(), i);
    EXPECT_GE(trials[i].accuracy(), 0.0);
    EXPECT_LE(trials[i].accuracy(), 1.0);
    faults += trials[i].fault_count();
    EXPECT_NE(trials[i].site().find("faults=" + std::to_string(trials[i].fault_count())), std::string::npos);
  }
  EXPECT_GT(faults, 0u);
  EXPECT_TRUE(faulty.golden().empty());  // already reported by the first unit
}

TEST(WeightUnit, SameFaultsAndAccuracyAsTheCli) {
  const UnitsWorld& w = world();
  ModelRunner runner(runner_options());
  // Campaign names other than the directory's and file's: the CLI is told
  // them with --model-name and --dataset-name.
  std::string campaign = campaign_text(kEval, kWeightFault);
  campaign.replace(campaign.find("name = \"tiny\""), 13, "name = \"tiny-study\"");
  campaign.replace(campaign.find("name = \"rows.jsonl\""), 19, "name = \"eval\"");
  const wire::WorkUnit unit = make_unit(campaign, 1, {campaign::kEveryInput, 2, 5});
  ASSERT_EQ(unit.site_key(), "weight|model=tiny-study|dataset=eval|fault=bit_error_rate|rate=0.02|selection=component=attention");
  const auto trials = run_unit(runner, unit).trials();
  ASSERT_EQ(trials.size(), 3u);
  std::ostringstream args;
  args << "trial --model " << w.model_dir << " --eval-set " << w.dataset_path
       << " --model-name tiny-study --dataset-name eval"
       << " --limit 5 --max-new-tokens 6 --fault bit_error_rate --rate 0.02 --components attention --seed 77"
       << " --trial 2 --count 3";
  const auto cli = beamline::testing::run_beamline(args.str());
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::istringstream lines(cli.out);
  std::string line;
  size_t i = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ASSERT_LT(i, trials.size());
    const auto row = nlohmann::json::parse(line);
    EXPECT_EQ(row["trial"].get<uint64_t>(), trials[i].trial_index());
    EXPECT_EQ(row["faults"].get<uint64_t>(), trials[i].fault_count());
    EXPECT_DOUBLE_EQ(row["accuracy"].get<double>(), trials[i].accuracy());
    EXPECT_EQ(row["non_finite"].get<uint64_t>(), trials[i].non_finite());
    ++i;
  }
  EXPECT_EQ(i, trials.size());
}

TEST(WeightUnit, ProtectionsApplyToTheEvaluation) {
  // A weight campaign may list protections: rate 0 under ft2 is ft2's own
  // fault-free evaluation (masked_identical), and every protection of a
  // rate sees the same faults.
  ModelRunner runner(runner_options());
  const std::string campaign =
      campaign_text(kEval, kWeightFault, "[[protection]]\nkind = \"none\"\n[[protection]]\nkind = \"ft2\"\n");
  // Cells: (rate 0: none, ft2), (rate 0.02: none, ft2).
  const auto clean_ft2 = run_unit(runner, make_unit(campaign, 1, {campaign::kEveryInput, 0, 1})).trials();
  ASSERT_EQ(clean_ft2.size(), 1u);
  EXPECT_EQ(clean_ft2[0].outcome(), wire::MASKED_IDENTICAL);
  EXPECT_EQ(clean_ft2[0].fault_count(), 0u);
  const auto faulty_none = run_unit(runner, make_unit(campaign, 2, {campaign::kEveryInput, 0, 3})).trials();
  const auto faulty_ft2 = run_unit(runner, make_unit(campaign, 3, {campaign::kEveryInput, 0, 3})).trials();
  ASSERT_EQ(faulty_none.size(), 3u);
  ASSERT_EQ(faulty_ft2.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(faulty_none[i].fault_count(), faulty_ft2[i].fault_count());
    EXPECT_EQ(faulty_none[i].site(), faulty_ft2[i].site());
    EXPECT_EQ(faulty_none[i].corrections(), 0u);
  }
}

TEST(WeightUnit, StopIsHonouredBetweenTrials) {
  ModelRunner runner(runner_options());
  const wire::WorkUnit unit = make_unit(campaign_text(kEval, kWeightFault), 1, {campaign::kEveryInput, 0, 10});
  std::atomic<bool> stop{false};
  std::vector<UnitBatch> batches;
  runner.run(unit, [&](UnitBatch&& b) {
    batches.push_back(std::move(b));
    if (batches.size() == 2) stop = true;
  }, stop);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[1].trials.at(0).trial_index(), 1u);
}

TEST(WeightUnit, OutcomeAgainstTheFaultFreeEvaluation) {
  weightfaults::EvalSummary clean;
  clean.inputs = 2;
  clean.verdicts = {{true, false, "7"}, {false, false, "3"}};
  auto trial = clean;
  EXPECT_EQ(weight_outcome(trial, clean), campaign::Outcome::masked_identical);
  trial.verdicts[1].output = "4";  // a wrong answer stays wrong
  EXPECT_EQ(weight_outcome(trial, clean), campaign::Outcome::masked_correct);
  trial.verdicts[0] = {false, false, "8"};
  EXPECT_EQ(weight_outcome(trial, clean), campaign::Outcome::sdc);
  trial.non_finite = 1;
  EXPECT_EQ(weight_outcome(trial, clean), campaign::Outcome::due);
}

}  // namespace
}  // namespace beamline::units::testing
