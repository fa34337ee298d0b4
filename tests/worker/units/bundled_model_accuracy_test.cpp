// Issue 5's check on the bundled models, through a campaign's weight cells
// and the unit runner: at p = 0 a weight trial's accuracy is the fault-free
// accuracy; at a large p it falls to chance.
//  - math (a generated number; chance is about 0) under bit_error_rate;
//  - choice (four options, chance 0.25) under value_uniform01, scored by
//    option log-likelihood, where a broken model still picks one of the
//    four, so "chance" is a band around 0.25, and by generation, where it
//    rarely writes a valid answer at all.
// Both bundled models (Llama and OPT families), few enough inputs for CI.
#include <gtest/gtest.h>

#include <cmath>

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

struct Study {
  const char* model;
  const char* task;
  const char* fault;
  const char* rates;
  const char* selection;
  const char* scoring;  // choice_scoring, or nullptr
  int inputs;
  int trials;
};

std::string campaign_for(const Study& s) {
  std::string text = std::string("[campaign]\nname = \"bundled-accuracy\"\nseed = 11\n") +
                     "[[model]]\nname = \"" + s.model + "\"\npath = \"models/" + s.model + "\"\n" +
                     "[[dataset]]\nname = \"" + s.task + "\"\npath = \"data/" + s.task + "_eval.jsonl\"\ntask = \"" +
                     s.task + "\"\ninputs = " + std::to_string(s.inputs) + "\nselection = \"first\"\n" +
                     "[[fault]]\nmodel = \"" + s.fault + "\"\nrates = " + s.rates + "\n" + s.selection + "\n";
  if (s.scoring != nullptr) text += std::string("choice_scoring = \"") + s.scoring + "\"\n";
  return text + "[budget]\ntrials_per_cell = " + std::to_string(s.trials) + "\n";
}

struct StudyResult {
  double fault_free = 0;               // evaluated directly, not through a unit
  std::vector<double> clean, broken;   // trial accuracies at p = 0 and at the large p
  std::vector<uint64_t> clean_faults, broken_faults;
};

StudyResult run_study(const Study& s) {
  const std::string source = BEAMLINE_SOURCE_DIR;
  const campaign::CampaignSpec spec = campaign::parse_campaign(
      campaign::campaign_source_from_text(source + "/examples/bundled_accuracy.toml", campaign_for(s)));
  const auto cells = campaign::expand_cells(spec);
  EXPECT_EQ(cells.size(), 2u);
  RunnerOptions options;
  options.model_root = source;
  ModelRunner runner(options);

  StudyResult result;
  const auto model = runtime::LoadedModel::load(source + "/models/" + s.model);
  auto inputs = judge::load_dataset(source + "/data/" + s.task + "_eval.jsonl").inputs;
  inputs.resize(static_cast<size_t>(s.inputs));
  weightfaults::EvalOptions eval;
  if (s.scoring != nullptr) eval.choice_scoring = weightfaults::parse_choice_scoring(s.scoring);
  result.fault_free = weightfaults::evaluate(*model, inputs, engine::ProtectionSetup{}, eval).accuracy();

  const campaign::TrialRange all{campaign::kEveryInput, 0, static_cast<uint64_t>(s.trials)};
  for (size_t c = 0; c < 2; ++c) {
    const auto trials = run_unit(runner, protocol::make_work_unit(spec, cells[c], c + 1, 1, all, 600000)).trials();
    EXPECT_EQ(trials.size(), static_cast<size_t>(s.trials));
    for (const auto& t : trials) {
      (c == 0 ? result.clean : result.broken).push_back(t.accuracy());
      (c == 0 ? result.clean_faults : result.broken_faults).push_back(t.fault_count());
    }
  }
  return result;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

void expect_rate_zero_is_fault_free(const StudyResult& r, double bar) {
  EXPECT_GE(r.fault_free, bar);  // the bundled model does its task
  for (size_t i = 0; i < r.clean.size(); ++i) {
    EXPECT_DOUBLE_EQ(r.clean[i], r.fault_free);
    EXPECT_EQ(r.clean_faults[i], 0u);
  }
}

class BundledModel : public ::testing::TestWithParam<const char*> {};

TEST_P(BundledModel, MathRateZeroIsFaultFreeAndALargeBitErrorRateIsChance) {
  const Study s{GetParam(), "math", "bit_error_rate", "[0.0, 0.01]", "layer_groups = [\"0-3\"]", nullptr, 8, 2};
  const StudyResult r = run_study(s);
  expect_rate_zero_is_fault_free(r, 0.9);
  for (size_t i = 0; i < r.broken.size(); ++i) {
    EXPECT_GT(r.broken_faults[i], 1000u);
    EXPECT_LE(r.broken[i], 1.0 / s.inputs);  // a generated number is rarely right by chance
  }
}

TEST_P(BundledModel, ChoiceByLikelihoodFallsToTheFourOptionChanceLevel) {
  // value_uniform01 replaces weights by values in (0, 1): the outputs stay
  // finite, so every question still gets one of the four options.
  const char* model = GetParam();
  const Study s{model, "choice", "value_uniform01", "[0.0, 0.5]",
                "layer_groups = [\"0-3\"]", "loglikelihood", 40, 6};
  const StudyResult r = run_study(s);
  expect_rate_zero_is_fault_free(r, 0.9);
  const double broken = mean(r.broken);
  // 240 answers at chance: 0.25 +- 4 standard errors (about 0.11).
  const double spread = 4 * std::sqrt(0.25 * 0.75 / static_cast<double>(r.broken.size() * s.inputs));
  EXPECT_NEAR(broken, 0.25, spread) << "mean accuracy over " << r.broken.size() << " broken trials";
  for (const uint64_t faults : r.broken_faults) EXPECT_GT(faults, 10000u);
  std::cout << "[ acc     ] " << model << " choice loglik: fault-free " << r.fault_free << ", p=0.5 " << broken
            << "\n";
}

TEST_P(BundledModel, ChoiceByGenerationFallsToChanceOrBelow) {
  const Study s{GetParam(), "choice", "value_uniform01", "[0.0, 0.5]",
                "layer_groups = [\"0-3\"]", "generation", 40, 3};
  const StudyResult r = run_study(s);
  expect_rate_zero_is_fault_free(r, 0.9);
  // A broken model seldom writes "<value> <letter>" at all; when it names a
  // letter, it is right one time in four.
  EXPECT_LE(mean(r.broken), 0.25 + 4 * std::sqrt(0.25 * 0.75 / (3.0 * s.inputs)));
}

INSTANTIATE_TEST_SUITE_P(BothFamilies, BundledModel, ::testing::Values("tiny-llama", "tiny-opt"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           return name == "tiny-llama" ? std::string("Llama") : std::string("Opt");
                         });

}  // namespace
}  // namespace beamline::units::testing
