// Issue 5's check on a bundled model, through a campaign's weight cells and
// the unit runner: models/tiny-llama on data/math_eval.jsonl (accuracy about
// 0.9; chance for a generated number is about 0). At p = 0 the accuracy is
// the fault-free accuracy; at a large bit error rate it falls to chance.
// Few inputs, so it stays quick enough for CI.
#include <gtest/gtest.h>

#include "common/campaign/campaign_parser.h"
#include "common/campaign/cells.h"
#include "common/campaign/trial_plan.h"
#include "common/protocol/work_unit.h"
#include "tests/worker/units/units_world.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"
#include "worker/units/model_runner.h"
#include "worker/weightfaults/accuracy_eval.h"

namespace beamline::units::testing {
namespace {

constexpr int kInputs = 8;

const char* kCampaign = R"([campaign]
name = "tiny-llama-accuracy"
seed = 11
[[model]]
name = "tiny-llama"
path = "models/tiny-llama"
[[dataset]]
name = "math"
path = "data/math_eval.jsonl"
task = "math"
inputs = 8
selection = "first"
[[fault]]
model = "bit_error_rate"
rates = [0.0, 0.01]
layer_groups = ["0-3"]
[budget]
trials_per_cell = 2
)";

TEST(BundledModelAccuracy, RateZeroIsFaultFreeAndALargeRateIsChance) {
  const std::string source = BEAMLINE_SOURCE_DIR;
  const campaign::CampaignSpec spec =
      campaign::parse_campaign(campaign::campaign_source_from_text(source + "/examples/accuracy.toml", kCampaign));
  const auto cells = campaign::expand_cells(spec);
  ASSERT_EQ(cells.size(), 2u);
  RunnerOptions options;
  options.model_root = source;
  ModelRunner runner(options);

  // The fault-free accuracy, evaluated directly on the same inputs.
  const auto model = runtime::LoadedModel::load(source + "/models/tiny-llama");
  auto inputs = judge::load_dataset(source + "/data/math_eval.jsonl").inputs;
  inputs.resize(kInputs);
  const double fault_free =
      weightfaults::evaluate(*model, inputs, engine::ProtectionSetup{}, weightfaults::EvalOptions{}).accuracy();
  EXPECT_GE(fault_free, 0.5);  // the bundled model does its task

  const campaign::TrialRange all{campaign::kEveryInput, 0, 2};
  const auto clean = run_unit(runner, protocol::make_work_unit(spec, cells[0], 1, 1, all, 60000)).trials();
  const auto broken = run_unit(runner, protocol::make_work_unit(spec, cells[1], 2, 2, all, 60000)).trials();
  ASSERT_EQ(clean.size(), 2u);
  ASSERT_EQ(broken.size(), 2u);
  for (const auto& t : clean) {
    EXPECT_DOUBLE_EQ(t.accuracy(), fault_free);
    EXPECT_EQ(t.fault_count(), 0u);
  }
  for (const auto& t : broken) {
    EXPECT_GT(t.fault_count(), 1000u);
    EXPECT_LE(t.accuracy(), 1.0 / kInputs);  // chance: a generated number is rarely right
    std::cout << "[ acc     ] p=0.01: accuracy " << t.accuracy() << ", faults " << t.fault_count()
              << ", non-finite " << t.non_finite() << "\n";
  }
  std::cout << "[ acc     ] fault-free " << fault_free << "\n";
}

}  // namespace
}  // namespace beamline::units::testing
