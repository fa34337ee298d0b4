// `beamline run` on a terminal (a pseudo-terminal from forkpty): progress
// is a bar redrawn in place on stderr -- "\r[###---] done/total trials
// (p%)  rate/s  ETA m:ss  SDC n  DUE n  workers n" and an erase to the end
// of the line -- never the plain `progress:` lines meant for logs.
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/results_db.h"

namespace beamline::testing {
namespace {

struct TerminalRun {
  int exit_code = -1;  // -1: still running at the deadline (then killed)
  std::string output;  // everything written to the terminal, stdout and stderr
};

// Runs the built binary with its stdin, stdout and stderr on a new
// pseudo-terminal and reads it until every writer has closed it.
TerminalRun run_on_terminal(const std::vector<std::string>& args, std::chrono::seconds deadline) {
  int terminal = -1;
  ChildProcess child = ChildProcess::on_terminal(args, 40, 160, terminal);
  TerminalRun run;
  if (terminal < 0) return run;
  const auto until = std::chrono::steady_clock::now() + deadline;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < until) {
    pollfd ready{terminal, POLLIN, 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    const auto n = ::read(terminal, buffer, sizeof(buffer));
    if (n <= 0) break;  // EIO: the last writer closed the terminal
    run.output.append(buffer, static_cast<size_t>(n));
  }
  // The terminal closes just before the process exits: wait for it, up to
  // the same deadline (one still running then is killed by `child`).
  run.exit_code = child.wait(until).value_or(-1);
  ::close(terminal);
  return run;
}

class ProgressTerminalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-tty-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(ProgressTerminalTest, RunDrawsABarWithDoneTotalRateEtaAndSdc) {
  // 2 cells x 8 inputs x 10 trials = 160 trials of 15 ms on one worker:
  // a few seconds, so the bar is redrawn several times with a rate.
  std::ofstream(path("c.toml")) << R"(
[campaign]
name = "tty"
seed = 4
[[model]]
name = "syn"
kind = "synthetic"
sdc_rate = 0.2
due_rate = 0.05
trial_ms = 15
[[dataset]]
name = "d"
inputs = 8
[[fault]]
model = "single_bit"
[[fault]]
model = "none"
[budget]
trials_per_input = 10
unit_trials = 5
)";
  const auto db = path("c.db");
  const auto run = run_on_terminal({"run", path("c.toml"), "--workers", "1", "--db", db}, std::chrono::seconds(300));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto& out = run.output;
  EXPECT_EQ(out.find("progress: "), std::string::npos) << "plain lines on a terminal:\n" << out;
  EXPECT_NE(out.find("\x1b[K"), std::string::npos);  // each redraw erases the rest of the line

  // Every redraw: carriage return, bar, done/total, rate, ETA, SDC, DUE.
  const std::regex bar(R"(\r\[([#-]{24})\] (\d+)/160 trials \((\d+\.\d)%\)  (\d+)/s  ETA (\d+:\d\d|--:--)  SDC (\d+)  DUE (\d+)  workers (\d+))");
  std::vector<std::smatch> bars;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), bar); it != std::sregex_iterator(); ++it) {
    bars.push_back(*it);
  }
  ASSERT_GE(bars.size(), 2u) << out;
  bool rate_shown = false;
  bool eta_shown = false;
  for (const auto& m : bars) {
    const auto done = std::stoul(m[2].str());
    // The bar fills in proportion to done/total.
    const auto filled = static_cast<size_t>(std::count(m[1].first, m[1].second, '#'));
    EXPECT_EQ(filled, done * 24 / 160) << m[0].str();
    rate_shown = rate_shown || std::stoul(m[4].str()) > 0;
    eta_shown = eta_shown || (m[5].str() != "--:--" && done < 160);
  }
  EXPECT_TRUE(rate_shown) << out;
  EXPECT_TRUE(eta_shown) << out;
  // The last redraw is the finished campaign, with the stored SDC and DUE counts.
  const auto& last = bars.back();
  EXPECT_EQ(last[1].str(), std::string(24, '#'));
  EXPECT_EQ(last[2].str(), "160");
  EXPECT_EQ(last[3].str(), "100.0");
  EXPECT_EQ(last[5].str(), "0:00");
  EXPECT_EQ(std::stoll(last[6].str()), query(db, "SELECT count(*) FROM trial WHERE outcome = 'sdc'"));
  EXPECT_EQ(std::stoll(last[7].str()), query(db, "SELECT count(*) FROM trial WHERE outcome = 'due'"));
  EXPECT_GT(std::stoll(last[6].str()), 0);
  EXPECT_NE(out.find("SDC rate per cell"), std::string::npos);  // and the report after it
}

}  // namespace
}  // namespace beamline::testing
