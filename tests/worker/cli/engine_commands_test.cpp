// eval, trial and profile, run as the beamline binary on a tiny model.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/worker/runtime/test_support.h"
#include "worker/protection/layer_bounds.h"
#include "worker/runtime/generate.h"

namespace beamline::testing {
namespace {

using runtime::testing::ScratchDir;
using runtime::testing::TinySpec;

class EngineCommands : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("engine_cli");
    TinySpec spec;
    spec.num_kv_heads = 2;
    spec.eos_token_id = 63;
    runtime::testing::write_tiny_model(scratch_->sub("model"), spec);
    // The golden continuation of the first prompt is its "right answer", so
    // eval's accuracy is known: 1 of 2.
    auto model = runtime::LoadedModel::load(scratch_->sub("model"));
    runtime::GenerateOptions options;
    options.max_new_tokens = 6;
    const auto result = runtime::generate(model->model(), {model->encode("w5 w9 w13 w4")}, options);
    const std::string golden = model->decode(result.tokens[0], true);
    std::ofstream data(scratch_->sub("data.jsonl"));
    data << nlohmann::json{{"prompt", "w5 w9 w13 w4"}, {"answer", golden}, {"task", "exact"}}.dump() << "\n";
    data << nlohmann::json{{"prompt", "w7 w7 w30"}, {"answer", "w3 w3 w3"}, {"task", "exact"}}.dump() << "\n";
  }
  static void TearDownTestSuite() { delete scratch_; }

  static std::string common() {
    return "--model " + scratch_->sub("model") + " --dataset " + scratch_->sub("data.jsonl") + " --max-new-tokens 6";
  }

  static nlohmann::json trial(const std::string& args) {
    const CommandRun run = run_beamline("trial " + common() + " " + args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return nlohmann::json::parse(last_line(run.out));
  }

  static ScratchDir* scratch_;
};

ScratchDir* EngineCommands::scratch_ = nullptr;

TEST_F(EngineCommands, EvalPrintsPerTaskAndOverallAccuracy) {
  const CommandRun run = run_beamline("eval " + common());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("exact 0.5000 (1/2)"), std::string::npos) << run.out;
  EXPECT_EQ(last_line(run.out), "accuracy 0.5000");
}

TEST_F(EngineCommands, TrialWithASitePrintsOneJsonObject) {
  const auto out = trial("--input 0 --fault single_bit --site step=1,block=0,layer=v_proj,index=3,bits=30");
  EXPECT_EQ(out["site"], "step=1,block=0,layer=v_proj,index=3,bits=30");
  EXPECT_TRUE(out["injected"].get<bool>());
  for (const char* key : {"outcome", "output", "golden", "corrections", "first_divergence_step"}) {
    EXPECT_TRUE(out.contains(key)) << key;
  }
  const std::string outcome = out["outcome"];
  EXPECT_TRUE(outcome == "masked_identical" || outcome == "masked_correct" || outcome == "sdc" || outcome == "due");
}

TEST_F(EngineCommands, DrawnSitesAreDeterministicAndTheSameForEveryProtection) {
  const auto a = trial("--input 0 --fault exponent_bit --seed 3 --trial 5");
  const auto b = trial("--input 0 --fault exponent_bit --seed 3 --trial 5");
  const auto c = trial("--input 0 --fault exponent_bit --seed 3 --trial 5 --protect ft2");
  const auto d = trial("--input 0 --fault exponent_bit --seed 3 --trial 6");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a["site"], c["site"]);
  EXPECT_NE(a["site"], d["site"]);
  // The site replays the trial exactly.
  const auto replay = trial("--input 0 --fault exponent_bit --site " + a["site"].get<std::string>());
  EXPECT_EQ(replay["output"], a["output"]);
  EXPECT_EQ(replay["outcome"], a["outcome"]);
}

TEST_F(EngineCommands, CountRunsConsecutiveTrialsLikeSingleRuns) {
  const CommandRun run =
      run_beamline("trial " + common() + " --input 0 --fault single_bit --seed 3 --trial 4 --count 3 --protect ft2");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<nlohmann::json> lines;
  std::istringstream in(run.out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    const auto single = trial("--input 0 --fault single_bit --protect ft2 --seed 3 --trial " + std::to_string(4 + k));
    EXPECT_EQ(lines[static_cast<size_t>(k)]["trial"], 4 + k);
    EXPECT_EQ(lines[static_cast<size_t>(k)]["site"], single["site"]);
    EXPECT_EQ(lines[static_cast<size_t>(k)]["outcome"], single["outcome"]);
  }
}

TEST_F(EngineCommands, NoneFaultIsMaskedIdentical) {
  const auto out = trial("--input 1 --fault none --seed 1 --trial 0");
  EXPECT_EQ(out["outcome"], "masked_identical");
  EXPECT_EQ(out["output"], out["golden"]);
}

TEST_F(EngineCommands, ProfileWritesBoundsThatOfflineProtectionsUse) {
  const std::string bounds = scratch_->sub("bounds.json");
  const CommandRun run = run_beamline("profile " + common() + " --out " + bounds);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto loaded = protection::LayerBounds::load(bounds);
  EXPECT_EQ(loaded.by_name().size(), 2u * 8u);  // 2 blocks x (7 linear layers + act)
  for (const char* protect : {"ranger", "maximals", "global_clipper", "ft2_offline"}) {
    const auto out = trial(std::string("--input 0 --fault none --seed 1 --trial 0 --protect ") + protect +
                           " --bounds " + bounds);
    EXPECT_EQ(out["outcome"], "masked_identical") << protect;
  }
}

TEST_F(EngineCommands, BadInputIsAClearError) {
  CommandRun run = run_beamline("trial " + common() + " --input 9 --fault single_bit --seed 1 --trial 0");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--input 9"), std::string::npos) << run.err;
  run = run_beamline("trial " + common() + " --input 0 --fault single_bit --seed 1 --trial 0 --protect ranger");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--bounds"), std::string::npos) << run.err;
  run = run_beamline("trial " + common() + " --input 0 --fault cosmic --seed 1 --trial 0");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cosmic"), std::string::npos) << run.err;
  run = run_beamline("trial " + common() + " --input 0 --fault single_bit --site step=1,block=0");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("field 'layer' missing"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace beamline::testing
