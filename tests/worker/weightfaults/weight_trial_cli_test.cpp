// beamline trial with weight faults, through the built binary: JSON output,
// p = 0 reproduces the fault-free accuracy, repeated trials agree, errors
// name the options.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/worker/runtime/tiny_models.h"
#include "tests/worker/weightfaults/choice_model.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::weightfaults {
namespace {

using beamline::testing::last_line;
using beamline::testing::run_beamline;
using runtime::testing::ScratchDir;

class WeightTrialCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir("weight_trial_cli");
    runtime::testing::TinySpec spec;
    spec.num_layers = 4;
    spec.seed = 31;
    testing::write_letter_model(dir_->sub("model"), spec);
    const auto model = runtime::LoadedModel::load(dir_->sub("model"));
    testing::write_dataset(dir_->sub("eval.jsonl"), testing::balanced_choice_set(*model, 5, 9));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string trial(const std::string& extra) {
    return "trial --model " + dir_->sub("model") + " --eval-set " + dir_->sub("eval.jsonl") + " " + extra;
  }
  static ScratchDir* dir_;
};
ScratchDir* WeightTrialCli::dir_ = nullptr;

TEST_F(WeightTrialCli, RateZeroKeepsTheFaultFreeAnswers) {
  const auto run = run_beamline(trial("--fault value_uniform01 --rate 0 --components attention --scoring loglik"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto out = nlohmann::json::parse(last_line(run.out));
  EXPECT_EQ(out["faults"], 0);
  EXPECT_EQ(out["inputs"], 20);
  EXPECT_EQ(out["accuracy"], 1.0);  // the goldens are the fault-free model's choices
  EXPECT_EQ(out["non_finite"], 0);
  EXPECT_EQ(out["selection"], "component=attention");
}

TEST_F(WeightTrialCli, SameSeedAndTrialSameResultAndCountRuns) {
  const std::string args = "--fault bit_error_rate --rate 0.001 --layer-group 0-1 --seed 5 --trial 2 --limit 8";
  const auto a = run_beamline(trial(args));
  const auto b = run_beamline(trial(args));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  const auto out = nlohmann::json::parse(last_line(a.out));
  EXPECT_EQ(out["trial"], 2);
  EXPECT_EQ(out["inputs"], 8);
  EXPECT_GT(out["faults"].get<int64_t>(), 0);
  EXPECT_EQ(out["scoring"], "generate");

  const auto many = run_beamline(trial(args + " --count 3 --protect ft2"));
  ASSERT_EQ(many.exit_code, 0) << many.err;
  EXPECT_EQ(std::count(many.out.begin(), many.out.end(), '\n'), 3);
  // The protection is not in the cell key: trial 2 has the same faults.
  EXPECT_EQ(nlohmann::json::parse(many.out.substr(0, many.out.find('\n')))["faults"], out["faults"]);
}

TEST_F(WeightTrialCli, ErrorsNameTheOptions) {
  auto run = run_beamline(trial("--fault bit_error_rate --rate 0.1"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--components, --layer-group or --tensors"), std::string::npos) << run.err;
  run = run_beamline(trial("--fault bit_error_rate --components attention"));
  EXPECT_NE(run.err.find("--rate"), std::string::npos) << run.err;
  run = run_beamline(trial("--fault value_uniform01 --rate 0.1 --components wings"));
  EXPECT_NE(run.err.find("--components"), std::string::npos) << run.err;
  run = run_beamline(trial("--fault value_uniform01 --rate 0.1 --tensors nope"));
  EXPECT_NE(run.err.find("--tensors"), std::string::npos) << run.err;
  run = run_beamline(trial("--fault value_uniform01 --rate 0.1 --layer-group 0-9"));
  EXPECT_NE(run.err.find("blocks=0-9"), std::string::npos) << run.err;
  run = run_beamline(trial("--fault value_uniform01 --rate 0.1 --components norm --scoring vote"));
  EXPECT_NE(run.err.find("--scoring"), std::string::npos) << run.err;
  run = run_beamline(trial("--fault value_uniform01 --rate 0.1 --components norm --input 3"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--input is for transient faults"), std::string::npos) << run.err;
  run = run_beamline("trial --model " + dir_->sub("model") + " --fault single_bit --seed 1 --trial 0");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--dataset"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace beamline::weightfaults
