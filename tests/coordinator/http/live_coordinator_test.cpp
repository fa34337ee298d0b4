// The HTTP endpoint of a running coordinator: a real `beamline coordinator
// --http 127.0.0.1:0` (the port it announces on stderr) and real `beamline
// worker` processes on a synthetic campaign (no LibTorch). While the
// campaign runs, /metrics passes promtool and its trial counter grows
// between two scrapes, /api/status shows the progress and headless
// Chromium draws the dashboard's charts from it; then /metrics and
// /api/cells are hammered from many connections while more workers finish
// the campaign, which must still complete with every trial stored once and
// no lease reissued (the endpoint runs on its own thread and connection,
// never in the ZeroMQ loop).
//
// Pacing, not timing: the synthetic trials sleep 50 ms, so the 800 trials
// take one worker 40 s. Every check of the first phase runs with one worker
// and needs a few seconds; only then do three more workers join. Waits are
// bounded by deadlines that fail the test; nothing asserts a duration.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>
#include <vector>

#include "tests/coordinator/http/headless_chromium.h"
#include "tests/coordinator/http/http_client.h"
#include "tests/support/child_process.h"
#include "tests/support/results_db.h"
#include "tests/support/text_file.h"
#include "tests/support/wait_until.h"

namespace beamline::testing {
namespace {

constexpr auto kTimeout = std::chrono::seconds(120);
constexpr int64_t kTrials = 800;  // 2 models x 2 faults x 8 inputs x 25 trials
constexpr int kHammerThreads = 12;

std::string live_campaign() {
  return R"(
[campaign]
name = "live"
seed = 3
[[model]]
name = "syn-a"
kind = "synthetic"
sdc_rate = 0.2
due_rate = 0.02
trial_ms = 50
[[model]]
name = "syn-b"
kind = "synthetic"
sdc_rate = 0.05
trial_ms = 50
[[dataset]]
name = "d"
inputs = 8
[[fault]]
model = "single_bit"
[[fault]]
model = "none"
[budget]
trials_per_input = 25
unit_trials = 5
)";
}

// The value of an unlabelled sample ("name 42"), -1 if absent.
int64_t unlabelled(const std::string& metrics, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(metrics, match, std::regex("\n" + name + " ([0-9]+)\n"))) return -1;
  return std::stoll(match[1].str());
}

class LiveCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-live-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (HasFailure()) {
      for (const char* name : {"coordinator.log", "worker-w1.log", "worker-w2.log", "chromium.log"}) {
        print_log_tail(path(name));
      }
    }
    std::filesystem::remove_all(dir_);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  ChildProcess worker(const std::string& id) const {
    return ChildProcess({"worker", "--connect", endpoint_, "--id", id, "--model-root", dir_.string()},
                        path("worker-" + id + ".log"));
  }

  // `beamline coordinator --http 127.0.0.1:0`: the ZeroMQ endpoint from
  // --endpoint-file, the HTTP port from the line the endpoint writes on
  // stderr ("http: serving DB at http://HOST:PORT/"), written before the
  // coordinator writes the endpoint file.
  ChildProcess start_coordinator(const std::string& db, const std::string& campaign) {
    const std::string endpoint_file = db + ".endpoint";
    ChildProcess process({"coordinator", "--db", db, "--campaign", campaign, "--bind", "tcp://127.0.0.1:*",
                          "--endpoint-file", endpoint_file, "--http", "127.0.0.1:0", "--heartbeat-ms", "250",
                          "--liveness", "20"},
                         path("coordinator.log"));
    endpoint_ = wait_for_first_line(endpoint_file, kTimeout);
    std::smatch match;
    const std::string logged = read_text_file(path("coordinator.log"));
    if (std::regex_search(logged, match, std::regex("http: serving .* at http://127\\.0\\.0\\.1:([0-9]+)/"))) {
      port_ = static_cast<unsigned short>(std::stoi(match[1].str()));
    }
    return process;
  }

  HttpReply get(const std::string& target) const { return http_request(port_, target); }
  nlohmann::json get_json(const std::string& target) const { return nlohmann::json::parse(get(target).body); }

  // promtool's verdict on a scrape: "" when it passes without lint findings.
  std::string promtool(const std::string& metrics) {
    const std::string input = write("scrape.txt", metrics), output = path("promtool.txt");
    const int status = std::system(("promtool check metrics < " + input + " > " + output + " 2>&1").c_str());
    const std::string said = read_text_file(output);
    return status == 0 && said.empty() ? "" : "status " + std::to_string(status) + ": " + said;
  }

  static bool campaign_complete(const std::string& db) {
    return query(db, "SELECT completed_ms IS NOT NULL FROM campaign") == 1;
  }

  std::filesystem::path dir_;
  std::string endpoint_;
  unsigned short port_ = 0;
};

TEST_F(LiveCoordinatorTest, DashboardMetricsAndStatusWhileACampaignRunsAndTheLoopIsNeverBlocked) {
  ASSERT_EQ(std::system("command -v promtool > /dev/null"), 0) << "promtool (Debian package prometheus) is missing";
  ASSERT_TRUE(chromium_available()) << "chromium (Debian package chromium) is missing";
  const auto db = path("live.db");
  ChildProcess coordinator = start_coordinator(db, write("live.toml", live_campaign()));
  ASSERT_FALSE(endpoint_.empty());
  ASSERT_NE(port_, 0) << "no 'http: serving ... at http://127.0.0.1:PORT/' line";

  // No worker yet: everything planned, nothing done.
  auto status = get_json("/api/status");
  EXPECT_EQ(status["campaign"], "live");
  EXPECT_EQ(status["planned"], kTrials);
  EXPECT_EQ(status["done"], 0);
  EXPECT_EQ(status["pending"], kTrials);
  EXPECT_EQ(status["complete"], false);

  // Phase 1: one worker.
  std::vector<ChildProcess> workers;
  workers.push_back(worker("w1"));
  ASSERT_TRUE(wait_until([&] { return query(db, "SELECT count(*) FROM trial") > 0; }, kTimeout));

  const std::string first = get("/metrics").body;
  EXPECT_EQ(promtool(first), "");
  const int64_t done1 = unlabelled(first, "beamline_trials_done_total");
  EXPECT_GT(done1, 0);
  EXPECT_LT(done1, kTrials);
  EXPECT_NE(first.find("beamline_campaign_complete{campaign=\"live\"} 0\n"), std::string::npos) << first;
  EXPECT_NE(first.find("\nbeamline_cell_sdc_wilson_high{"), std::string::npos) << first;

  status = get_json("/api/status");
  const int64_t done = status["done"];
  EXPECT_GE(done, done1);
  EXPECT_LT(done, kTrials);
  EXPECT_EQ(status["pending"].get<int64_t>(), kTrials - done);
  EXPECT_EQ(status["complete"], false);
  EXPECT_EQ(status["workers_alive"], 1);
  EXPECT_EQ(status["workers"][0]["id"], "w1");
  EXPECT_GT(status["results_per_second"].get<double>(), 0);
  EXPECT_FALSE(status["throughput"]["points"].empty());
  const auto cells = get_json("/api/cells");
  ASSERT_EQ(cells.size(), 4u);

  // The dashboard, loaded while the campaign runs.
  ASSERT_FALSE(campaign_complete(db)) << "the campaign ended before the dashboard was loaded";
  const std::string dom = dump_dom("http://127.0.0.1:" + std::to_string(port_) + "/", dir_);
  ASSERT_FALSE(dom.empty()) << "chromium printed no DOM";
  std::smatch match;
  ASSERT_TRUE(std::regex_search(dom, match, std::regex("<body[^>]*data-rendered=\"([0-9]+)\""))) << dom.substr(0, 2000);
  EXPECT_GE(std::stoi(match[1].str()), 3);
  EXPECT_NE(dom.find("<footer id=\"error\"></footer>"), std::string::npos) << "the page reported an error";
  EXPECT_NE(dom.find("<span id=\"campaign\">live</span>"), std::string::npos);
  EXPECT_NE(dom.find("<dd id=\"planned\">800</dd>"), std::string::npos);
  ASSERT_TRUE(std::regex_search(dom, match, std::regex("<dd id=\"done\">([0-9,]+)</dd>")));
  EXPECT_GE(std::stoll(std::regex_replace(match[1].str(), std::regex(","), "")), done1);
  EXPECT_NE(dom.find("<td>w1</td>"), std::string::npos);
  // Cells with trials as interval bars; the throughput line has points.
  EXPECT_GE(std::stoi("0" + attribute_of(dom, "cells-chart", "data-points")), 1);
  EXPECT_GE(std::stoi("0" + attribute_of(dom, "cells-chart", "data-drawn")), 1);
  EXPECT_GE(std::stoi("0" + attribute_of(dom, "throughput-chart", "data-points")), 1);
  EXPECT_GE(std::stoi("0" + attribute_of(dom, "throughput-chart", "data-drawn")), 1);

  // The second scrape, once more trials are stored: the counter grew.
  ASSERT_TRUE(wait_until([&] { return query(db, "SELECT count(*) FROM trial") > done1; }, kTimeout));
  const std::string second = get("/metrics").body;
  EXPECT_EQ(promtool(second), "");
  EXPECT_GT(unlabelled(second, "beamline_trials_done_total"), done1);

  // Phase 2: hammer the endpoint from many connections while three more
  // workers finish the campaign. A failed request counts only while the
  // campaign is incomplete (once complete, the coordinator exits).
  ASSERT_FALSE(campaign_complete(db)) << "the campaign ended before the endpoint was hammered";
  const int64_t before_hammer = query(db, "SELECT count(*) FROM trial");
  std::atomic<bool> stop{false};
  std::atomic<int64_t> answered{0}, failed{0};
  std::vector<std::thread> hammer;
  for (int t = 0; t < kHammerThreads; ++t) {
    hammer.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        try {
          const auto reply = get((t + i) % 2 == 0 ? "/metrics" : "/api/cells");
          (reply.status == 200 ? answered : failed)++;
        } catch (const std::exception&) {
          if (campaign_complete(db)) return;
          failed++;
        }
      }
    });
  }
  for (const char* id : {"w2", "w3", "w4"}) workers.push_back(worker(id));
  const auto exit_code = coordinator.wait(kTimeout);
  stop = true;
  for (auto& thread : hammer) thread.join();
  EXPECT_EQ(exit_code, 0);
  for (auto& w : workers) EXPECT_EQ(w.wait(kTimeout), 0);

  // Every request answered, and the rest of the campaign stored meanwhile.
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GE(answered.load(), kHammerThreads);
  EXPECT_LT(before_hammer, kTrials);
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), kTrials);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT cell_id || ':' || trial_index) FROM trial"), kTrials);
  EXPECT_EQ(query(db, "SELECT sum(done_trials) FROM cell"), kTrials);
  EXPECT_EQ(query(db, "SELECT count(*) FROM unit WHERE state <> 'done'"), 0);
  // Heartbeats kept flowing while the endpoint was busy: no worker was
  // presumed dead, no lease expired or was reissued.
  EXPECT_EQ(query(db, "SELECT coalesce(sum(issue_count - 1), 0) FROM unit"), 0);
  EXPECT_EQ(query(db, "SELECT count(*) FROM event WHERE kind IN ('lease_expired', 'reissue')"), 0);
  EXPECT_EQ(integrity(db), "ok");
}

}  // namespace
}  // namespace beamline::testing
