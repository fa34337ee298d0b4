// coordinator/cli: the progress line's text and the commands' refusals of
// bad input (clear errors, exit 1, no database created by mistake).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "coordinator/cli/progress_printer.h"
#include "tests/support/cli_runner.h"

namespace beamline::coordinator {
namespace {

using beamline::testing::run_beamline;
using beamline::testing::shell_quote;

TEST(ProgressPrinter, LineShowsDoneTotalRateEtaAndSdc) {
  Progress progress;
  progress.done = 250;
  progress.total = 1000;
  progress.sdc = 7;
  progress.due = 1;
  progress.workers = 2;
  const auto plain = ProgressPrinter::format(progress, 50.0, 15.0, false);
  EXPECT_EQ(plain, "250/1000 trials (25.0%)  50/s  ETA 0:15  SDC 7  DUE 1  workers 2");
  const auto bar = ProgressPrinter::format(progress, 50.0, 3725.0, true);
  EXPECT_EQ(bar.substr(0, 27), "[######------------------] ");
  EXPECT_NE(bar.find("ETA 1:02:05"), std::string::npos);
  EXPECT_NE(ProgressPrinter::format(progress, 0.0, -1.0, false).find("ETA --:--"), std::string::npos);
}

class CoordinatorCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(CoordinatorCliTest, NoCampaignAndNoDatabaseIsAnError) {
  const auto db = path("none.db");
  const auto run = run_beamline("coordinator --db " + shell_quote(db) + " --bind tcp://127.0.0.1:*");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("no such database; give a campaign file"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(db));
}

TEST_F(CoordinatorCliTest, BadCampaignFileNamesLineAndKey) {
  std::ofstream(path("bad.toml")) << "[campaign]\nname = \"x\"\nseed = 1\n[[model]]\nname = \"m\"\nkind = "
                                     "\"synthetic\"\ntrial_ms = -4\n";
  const auto run = run_beamline("run " + shell_quote(path("bad.toml")) + " --db " + shell_quote(path("bad.db")));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("bad.toml:7"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("trial_ms"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(path("bad.db")));
}

TEST_F(CoordinatorCliTest, UnbindableAddressIsAnError) {
  std::ofstream(path("c.toml")) << "[campaign]\nname = \"c\"\nseed = 1\n[[model]]\nname = \"m\"\nkind = "
                                   "\"synthetic\"\n[[dataset]]\nname = \"d\"\ninputs = 1\n[[fault]]\nmodel = "
                                   "\"none\"\n[budget]\ntrials_per_input = 1\n";
  const auto run = run_beamline("coordinator --campaign " + shell_quote(path("c.toml")) + " --db " +
                                shell_quote(path("c.db")) + " --bind tcp://no-such-host.invalid:1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--bind tcp://no-such-host.invalid:1"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace beamline::coordinator
