#include "common/campaign/trial_plan.h"

#include <gtest/gtest.h>

#include <set>

#include "common/campaign/synthetic.h"
#include "common/campaign/target_set.h"
#include "common/error.h"

namespace beamline::campaign {
namespace {

TEST(TargetSet, ParseAndFormatRoundTrip) {
  for (const char* text : {"all", "layers=v_proj,o_proj", "blocks=0-3,6", "layers=act;blocks=2"}) {
    EXPECT_EQ(format_target_set(parse_target_set(text)), text);
  }
  EXPECT_EQ(format_target_set(parse_target_set("")), "all");
  EXPECT_THROW(parse_target_set("layers=vproj"), Error);
  EXPECT_THROW(parse_target_set("blocks=3-1"), Error);
  EXPECT_THROW(parse_target_set("blocks=x"), Error);
  EXPECT_THROW(parse_target_set("colour=red"), Error);
}

TEST(TrialPlan, PerInputRangesAreContiguous) {
  BudgetSpec budget;
  budget.trials = 5;
  const auto plan = plan_cell_trials(budget, CellKind::transient, 3);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[1], (TrialRange{1, 5, 10}));
  EXPECT_EQ(total_trials(plan), 15u);
}

TEST(TrialPlan, PerCellSpreadsTheRemainder) {
  BudgetSpec budget;
  budget.mode = BudgetMode::trials_per_cell;
  budget.trials = 7;
  const auto plan = plan_cell_trials(budget, CellKind::transient, 3);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0], (TrialRange{0, 0, 3}));
  EXPECT_EQ(plan[2], (TrialRange{2, 5, 7}));
  budget.trials = 2;
  EXPECT_EQ(plan_cell_trials(budget, CellKind::transient, 3).size(), 2u);  // no empty ranges
  EXPECT_EQ(plan_cell_trials(budget, CellKind::weight, 3), (std::vector<TrialRange>{{kEveryInput, 0, 2}}));
}

TEST(TrialPlan, UnitsCoverEveryTrialOnceRoundByRound) {
  const std::vector<TrialRange> plan{{0, 0, 5}, {1, 5, 7}};
  const auto units = split_into_units(plan, 2);
  const std::vector<TrialRange> expected{{0, 0, 2}, {1, 5, 7}, {0, 2, 4}, {0, 4, 5}};
  EXPECT_EQ(units, expected);
}

TEST(TrialPlan, UnitSizeDefaultsByCellKind) {
  BudgetSpec budget;  // unit_trials left out of the campaign file
  EXPECT_EQ(unit_trials_for(budget, CellKind::transient), 256u);  // one worker engine chunk
  EXPECT_EQ(unit_trials_for(budget, CellKind::weight), 16u);
  budget.unit_trials = 10;
  EXPECT_EQ(unit_trials_for(budget, CellKind::transient), 10u);
  EXPECT_EQ(unit_trials_for(budget, CellKind::weight), 10u);
}

TEST(TrialPlan, HalfWidthTargetStopsEarly) {
  BudgetSpec budget;
  budget.mode = BudgetMode::target_half_width;
  budget.half_width = 0.05;
  budget.max_trials_per_cell = 100000;
  EXPECT_FALSE(cell_budget_met(budget, 100000, 10, 1));
  EXPECT_TRUE(cell_budget_met(budget, 100000, 1000, 100));  // Wilson half-width about 0.019
  EXPECT_TRUE(cell_budget_met(budget, 100, 100, 50));       // the cap
  BudgetSpec fixed;
  EXPECT_FALSE(cell_budget_met(fixed, 10, 9, 0));
  EXPECT_TRUE(cell_budget_met(fixed, 10, 10, 0));
}

TEST(Synthetic, DrawsAreDeterministicAndFollowTheRates) {
  SyntheticRates rates;
  rates.sdc = 0.2;
  rates.due = 0.1;
  int sdc = 0, due = 0;
  const int n = 20000;
  for (int t = 0; t < n; ++t) {
    const auto trial = run_synthetic_trial(5, "key", static_cast<uint64_t>(t), fault::FaultModel::single_bit, rates);
    sdc += trial.outcome == Outcome::sdc;
    due += trial.outcome == Outcome::due;
    EXPECT_EQ(trial.site, run_synthetic_trial(5, "key", static_cast<uint64_t>(t), fault::FaultModel::single_bit,
                                              rates).site);
  }
  // Binomial standard deviations are about 0.003 and 0.002: 5 sigma bounds.
  EXPECT_NEAR(sdc / double(n), 0.2, 0.015);
  EXPECT_NEAR(due / double(n), 0.1, 0.011);
}

TEST(Synthetic, NoneFaultIsAlwaysMasked) {
  SyntheticRates rates;
  rates.sdc = 1.0;
  for (uint64_t t = 0; t < 100; ++t) {
    EXPECT_EQ(run_synthetic_trial(1, "k", t, fault::FaultModel::none, rates).outcome, Outcome::masked_identical);
  }
}

TEST(Synthetic, WeightTrialCountsInputs) {
  SyntheticRates rates;
  rates.due = 1.0;
  const auto all_due = run_synthetic_weight_trial(1, "k", 0, 10, rates);
  EXPECT_EQ(all_due.non_finite, 10u);
  EXPECT_EQ(all_due.outcome, Outcome::due);
  EXPECT_DOUBLE_EQ(all_due.accuracy, 0.0);
  const auto clean = run_synthetic_weight_trial(1, "k", 0, 10, SyntheticRates{});
  EXPECT_DOUBLE_EQ(clean.accuracy, 1.0);
  EXPECT_EQ(clean.outcome, Outcome::masked_identical);
}

}  // namespace
}  // namespace beamline::campaign
