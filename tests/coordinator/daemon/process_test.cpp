// Real processes over loopback: a worker killed with SIGKILL mid-unit, the
// coordinator killed with SIGKILL and restarted on its database, SIGTERM's
// drain and resume, a second signal (coordinator and `run`), a changed data
// file refused on both sides, and `beamline run` end to end. The rogue
// client is in rogue_process_test.cpp.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include "tests/coordinator/daemon/loopback_fixture.h"
#include "tests/coordinator/daemon/process_fixture.h"
#include "tests/support/cli_runner.h"

namespace beamline::testing {
namespace {

constexpr auto kTimeout = std::chrono::seconds(300);

TEST_F(ProcessTest, WorkerKilledMidUnitHasItsUnitsReissuedAndEveryTrialStoredOnce) {
  // 4 cells x 6 inputs x 10 trials = 240 trials; units of 5 trials of 20 ms.
  const auto campaign = write("c.toml", synthetic_campaign("kill-worker", 6, 10, 5, 20.0));
  const auto db = path("c.db");
  auto [coordinator_process, endpoint] = coordinator(db, campaign);
  ASSERT_FALSE(endpoint.empty());
  auto doomed = worker(endpoint, "doomed");
  // Kill it once it has stored something and holds a lease.
  ASSERT_TRUE(wait_until([&] {
    return query(db, "SELECT count(*) FROM trial WHERE worker_id = 'doomed'") > 0 &&
           query(db, "SELECT count(*) FROM unit WHERE state = 'leased' AND lease_owner = 'doomed'") > 0;
  }));
  doomed.signal(SIGKILL);
  ASSERT_EQ(doomed.wait(kTimeout), 128 + SIGKILL);
  auto survivor = worker(endpoint, "survivor");
  EXPECT_EQ(coordinator_process.wait(kTimeout), 0);
  EXPECT_EQ(survivor.wait(kTimeout), 0);

  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), 240);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT cell_id || ':' || trial_index) FROM trial"), 240);
  EXPECT_EQ(query(db, "SELECT count(*) FROM unit WHERE state <> 'done'"), 0);
  // Each unit taken from the dead worker was issued again, exactly once
  // per release.
  const auto released = query(db,
                              "SELECT count(*) FROM event WHERE worker_id = 'doomed'"
                              " AND kind IN ('lease_released', 'lease_expired')");
  EXPECT_GE(released, 1);
  EXPECT_EQ(query(db, "SELECT count(*) FROM event WHERE kind = 'reissue'"), released);
  EXPECT_EQ(query(db, "SELECT count(*) FROM unit WHERE issue_count > 1"), released);
  EXPECT_EQ(query(db, "SELECT count(*) FROM worker WHERE id = 'doomed' AND state = 'gone'"), 1);
  EXPECT_EQ(integrity(db), "ok");
}

TEST_F(ProcessTest, CoordinatorKilledAndRestartedGivesTheSameTrialsAsAnUninterruptedRun) {
  const auto campaign = write("c.toml", synthetic_campaign("kill-coordinator", 8, 10, 5, 10.0));
  // The reference: one uninterrupted run.
  const auto reference = path("reference.db");
  {
    auto [c, endpoint] = coordinator(reference, campaign);
    ASSERT_FALSE(endpoint.empty());
    auto w = worker(endpoint, "ref");
    ASSERT_EQ(c.wait(kTimeout), 0);
    ASSERT_EQ(w.wait(kTimeout), 0);
  }
  const auto db = path("c.db");
  auto [first, endpoint] = coordinator(db, campaign);
  ASSERT_FALSE(endpoint.empty());
  auto w1 = worker(endpoint, "w1");
  auto w2 = worker(endpoint, "w2");
  ASSERT_TRUE(wait_until([&] { return query(db, "SELECT count(*) FROM trial") >= 60; }));
  first.signal(SIGKILL);
  ASSERT_EQ(first.wait(kTimeout), 128 + SIGKILL);
  const auto before = query(db, "SELECT count(*) FROM trial");
  EXPECT_LT(before, 320);
  // Same address, no campaign file: the stored campaign resumes and the
  // workers (still running) reconnect and resend what was not acknowledged.
  auto [second, again] = coordinator(db, "", endpoint);
  ASSERT_EQ(again, endpoint);
  EXPECT_EQ(second.wait(kTimeout), 0);
  EXPECT_EQ(w1.wait(kTimeout), 0);
  EXPECT_EQ(w2.wait(kTimeout), 0);

  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), 320);
  EXPECT_EQ(trials(db), trials(reference));
  EXPECT_EQ(integrity(db), "ok");
}

TEST_F(ProcessTest, SigtermDrainsAndTheCampaignResumes) {
  const auto campaign = write("c.toml", synthetic_campaign("drain", 8, 10, 5, 20.0));
  const auto db = path("c.db");
  auto [c, endpoint] = coordinator(db, campaign);
  ASSERT_FALSE(endpoint.empty());
  auto w = worker(endpoint, "w");
  ASSERT_TRUE(wait_until([&] { return query(db, "SELECT count(*) FROM trial") >= 20; }));
  c.signal(SIGTERM);
  EXPECT_EQ(c.wait(kTimeout), 130);  // stopped, not complete
  EXPECT_EQ(w.wait(kTimeout), 0);    // told the coordinator is stopping
  EXPECT_EQ(integrity(db), "ok");
  EXPECT_EQ(query(db, "SELECT count(*) FROM unit WHERE state = 'leased'"), 0);  // released at exit
  EXPECT_EQ(query(db, "SELECT completed_ms IS NULL FROM campaign"), 1);
  EXPECT_EQ(query(db, "SELECT count(*) FROM worker WHERE state = 'alive'"), 0);

  auto [resumed, endpoint2] = coordinator(db, "");
  ASSERT_FALSE(endpoint2.empty());
  auto w2 = worker(endpoint2, "w");
  EXPECT_EQ(resumed.wait(kTimeout), 0);
  EXPECT_EQ(w2.wait(kTimeout), 0);
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), 320);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT cell_id || ':' || trial_index) FROM trial"), 320);
}

TEST_F(ProcessTest, RunStartsWorkersShowsProgressAndPrintsTheReport) {
  // 10 ms trials: the campaign lasts seconds, so the second worker (which
  // loads LibTorch first) has joined before the first could do it all.
  const auto campaign = write("c.toml", synthetic_campaign("run", 10, 20, 10, 10.0));
  const auto db = path("c.db");
  const auto run = run_beamline(fmt::format("run {} --workers 2 --db {}", shell_quote(campaign), shell_quote(db)));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Not a terminal: plain lines, the last one the finished campaign.
  EXPECT_NE(run.err.find("progress: 800/800 trials"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("\r["), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("SDC rate per cell"), std::string::npos) << run.out;
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), 800);
  EXPECT_EQ(query(db, "SELECT count(*) FROM worker"), 2);
  // Again on the finished database: nothing to do, the same report.
  const auto again = run_beamline(fmt::format("run {} --workers 1 --db {}", shell_quote(campaign), shell_quote(db)));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), 800);
}

TEST_F(ProcessTest, CtrlCStopsRunAndItsWorkersAndTheSameCommandResumes) {
  const auto campaign = write("c.toml", synthetic_campaign("ctrl-c", 8, 10, 5, 20.0));
  const auto db = path("c.db");
  ChildProcess run({"run", campaign, "--workers", "2", "--db", db}, path("run.log"));
  ASSERT_TRUE(wait_until([&] { return query(db, "SELECT count(*) FROM trial") >= 20; }));
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(kTimeout), 130);
  EXPECT_EQ(integrity(db), "ok");
  EXPECT_EQ(query(db, "SELECT count(*) FROM worker WHERE state = 'alive'"), 0);
  EXPECT_LT(query(db, "SELECT count(*) FROM trial"), 320);
  const auto again = run_beamline(fmt::format("run {} --workers 2 --db {}", shell_quote(campaign), shell_quote(db)));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), 320);
}

TEST_F(ProcessTest, SyntheticExampleOfAMillionTrialsCompletesWithFourWorkers) {
  // examples/synthetic.toml itself (about half a minute on a 2-core machine).
  const auto db = path("s.db");
  const auto run = run_beamline(fmt::format("run {} --workers 4 --db {}",
                                            shell_quote(std::string(BEAMLINE_SOURCE_DIR) + "/examples/synthetic.toml"),
                                            shell_quote(db)));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), 1000000);
  EXPECT_EQ(query(db, "SELECT sum(done_trials) FROM cell"), 1000000);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT worker_id) FROM trial"), 4);
  EXPECT_EQ(integrity(db), "ok");
}

TEST_F(ProcessTest, QuickstartOnTheBundledModelsWithTwoWorkersRecordsEveryTrialOnce) {
  // examples/quickstart.toml as the README runs it (both tiny models, three
  // tasks, single_bit and none, unprotected and ft2: 24 cells, 4,800
  // trials; about a minute on a 2-core machine), only its root made
  // absolute since the copy lives elsewhere.
  std::string copy = read_text_file(std::string(BEAMLINE_SOURCE_DIR) + "/examples/quickstart.toml");
  const std::string root = "root = \"..\"";
  ASSERT_NE(copy.find(root), std::string::npos);
  copy.replace(copy.find(root), root.size(), fmt::format("root = \"{}\"", BEAMLINE_SOURCE_DIR));
  const auto campaign = write("quickstart.toml", copy);
  const auto db = path("q.db");
  const auto run = run_beamline(fmt::format("run {} --workers 2 --db {}", shell_quote(campaign), shell_quote(db)));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(query(db, "SELECT count(*) FROM cell"), 24);
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), 24 * 8 * 25);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT cell_id || ':' || trial_index) FROM trial"), 24 * 8 * 25);
  EXPECT_EQ(query(db, "SELECT sum(done_trials) FROM cell"), 24 * 8 * 25);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT worker_id) FROM trial"), 2);
  // The null fault: exactly 0 SDC; golden runs stored per input and protection.
  EXPECT_EQ(query(db, "SELECT sum(sdc_trials) FROM cell WHERE fault_model = 'none'"), 0);
  EXPECT_GE(query(db, "SELECT count(*) FROM golden"), 2 * 3 * 8 * 2);
  EXPECT_NE(run.out.find("SDC rate per cell"), std::string::npos);
  EXPECT_EQ(integrity(db), "ok");
}

TEST_F(ProcessTest, ChangedCampaignFileIsRefusedUnlessItOnlyAddsCells) {
  const auto campaign = write("c.toml", synthetic_campaign("change", 2, 2, 2));
  const auto db = path("c.db");
  ASSERT_EQ(run_beamline(fmt::format("run {} --workers 1 --db {}", shell_quote(campaign), shell_quote(db))).exit_code,
            0);
  std::string changed = synthetic_campaign("change", 2, 2, 2);
  changed.replace(changed.find("sdc_rate = 0.3"), 14, "sdc_rate = 0.4");
  const auto run = run_beamline(
      fmt::format("run {} --workers 1 --db {}", shell_quote(write("c2.toml", changed)), shell_quote(db)));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("does more than add cells"), std::string::npos) << run.err;
  EXPECT_EQ(integrity(db), "ok");
}


// A first signal drains: no new units, wait for the ones in flight. A
// worker stopped with SIGSTOP holds its unit forever, and liveness and
// leases long enough keep the coordinator from taking it back, so the drain
// cannot end before --drain-ms (10 minutes) -- unless the second signal
// ends it at once.
const std::vector<std::string> kDrainThatCannotEnd = {"--drain-ms", "600000", "--lease-ms", "600000",
                                                      "--liveness", "1000"};

TEST_F(ProcessTest, SecondSigtermExitsAtOnceWhileWorkersHoldUnitsAndTheDatabaseResumes) {
  // 4 cells x 4 inputs x 10 trials = 160 trials of 20 ms, units of 5.
  constexpr int64_t kTotal = 160;
  const auto campaign = write("c.toml", synthetic_campaign("second-signal", 4, 10, 5, 20.0));
  const auto db = path("c.db");
  auto [c, endpoint] = coordinator(db, campaign, "tcp://127.0.0.1:*", kDrainThatCannotEnd);
  ASSERT_FALSE(endpoint.empty());
  auto stuck = worker(endpoint, "stuck");
  auto busy = worker(endpoint, "busy");
  ASSERT_TRUE(wait_until([&] {
    return query(db, "SELECT count(*) FROM trial") > 0 &&
           query(db, "SELECT count(*) FROM unit WHERE state = 'leased' AND lease_owner = 'stuck'") > 0;
  }));
  stuck.signal(SIGSTOP);
  ASSERT_TRUE(wait_until([&] {
    return query(db, "SELECT count(*) FROM unit WHERE state = 'leased' AND lease_owner = 'stuck'") > 0;
  }));
  c.signal(SIGTERM);
  // Two signals sent back to back may merge into one; the second goes once
  // the first is seen.
  ASSERT_TRUE(wait_until([&] { return log("coordinator.log").find("stopping: no new units") != std::string::npos; }));
  c.signal(SIGTERM);
  EXPECT_EQ(c.wait(std::chrono::seconds(120)), 130);  // a deadline far below the 600 s the drain would take
  EXPECT_NE(log("coordinator.log").find("second signal: exiting without waiting"), std::string::npos);

  // Consistent, and nothing was released on the way out: the stuck unit is
  // still leased, its worker still alive in the table.
  EXPECT_EQ(integrity(db), "ok");
  const auto before = query(db, "SELECT count(*) FROM trial");
  EXPECT_GT(before, 0);
  EXPECT_LT(before, kTotal);
  EXPECT_GE(query(db, "SELECT count(*) FROM unit WHERE state = 'leased' AND lease_owner = 'stuck'"), 1);
  EXPECT_EQ(query(db, "SELECT count(*) FROM worker WHERE id = 'stuck' AND state = 'alive'"), 1);
  EXPECT_EQ(query(db, "SELECT completed_ms IS NULL FROM campaign"), 1);

  // The workers die with what they held; fresh ones under the same ids
  // resume on a restarted coordinator (their stale leases are released when
  // they say hello), and every trial is stored exactly once.
  stuck.signal(SIGKILL);
  busy.signal(SIGKILL);
  stuck.wait(kTimeout);
  busy.wait(kTimeout);
  auto [resumed, endpoint2] = coordinator(db, "");
  ASSERT_FALSE(endpoint2.empty());
  auto again1 = worker(endpoint2, "stuck");
  auto again2 = worker(endpoint2, "busy");
  EXPECT_EQ(resumed.wait(kTimeout), 0);
  EXPECT_EQ(again1.wait(kTimeout), 0);
  EXPECT_EQ(again2.wait(kTimeout), 0);
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), kTotal);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT cell_id || ':' || trial_index) FROM trial"), kTotal);
  EXPECT_EQ(query(db, "SELECT count(*) FROM unit WHERE state <> 'done'"), 0);
  EXPECT_EQ(synthetic_mismatches(db, campaign), "");
  EXPECT_EQ(integrity(db), "ok");
}

TEST_F(ProcessTest, SecondCtrlCExitsRunAtOnceKillsItsWorkersAndTheSameCommandResumes) {
  constexpr int64_t kTotal = 160;
  const auto campaign = write("c.toml", synthetic_campaign("second-ctrl-c", 4, 10, 5, 20.0));
  const auto db = path("c.db");
  std::vector<std::string> args = {"run", campaign, "--workers", "2", "--db", db};
  args.insert(args.end(), kDrainThatCannotEnd.begin(), kDrainThatCannotEnd.end());
  ChildProcess run(args, path("run.log"));
  // Stop worker 0 (its pid is in the worker table) while it holds a unit;
  // both workers must have said hello first, or worker 1's pid is not there
  // yet.
  ASSERT_TRUE(wait_until([&] {
    return query(db, "SELECT count(*) FROM trial") > 0 &&
           query(db, "SELECT count(*) FROM worker WHERE id IN ('local-0/cpu', 'local-1/cpu') AND pid > 0") == 2 &&
           query(db, "SELECT count(*) FROM unit WHERE state = 'leased' AND lease_owner = 'local-0/cpu'") > 0;
  }));
  const auto stuck_pid = static_cast<pid_t>(query(db, "SELECT pid FROM worker WHERE id = 'local-0/cpu'"));
  const auto other_pid = static_cast<pid_t>(query(db, "SELECT pid FROM worker WHERE id = 'local-1/cpu'"));
  ASSERT_GT(stuck_pid, 0);
  ASSERT_GT(other_pid, 0);
  ASSERT_EQ(::kill(stuck_pid, SIGSTOP), 0);
  ASSERT_TRUE(wait_until([&] {
    return query(db, "SELECT count(*) FROM unit WHERE state = 'leased' AND lease_owner = 'local-0/cpu'") > 0;
  }));
  run.signal(SIGINT);
  ASSERT_TRUE(wait_until([&] { return log("run.log").find("stopping: no new units") != std::string::npos; }));
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(std::chrono::seconds(120)), 130);
  EXPECT_NE(log("run.log").find("second signal: exiting without waiting"), std::string::npos);
  // No worker outlives run, the stopped one included.
  EXPECT_NE(::kill(stuck_pid, 0), 0);
  EXPECT_NE(::kill(other_pid, 0), 0);
  EXPECT_EQ(integrity(db), "ok");
  EXPECT_LT(query(db, "SELECT count(*) FROM trial"), kTotal);
  EXPECT_GE(query(db, "SELECT count(*) FROM unit WHERE state = 'leased'"), 1);  // left as they were

  const auto again = run_beamline(fmt::format("run {} --workers 2 --db {}", shell_quote(campaign), shell_quote(db)));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), kTotal);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT cell_id || ':' || trial_index) FROM trial"), kTotal);
  EXPECT_EQ(synthetic_mismatches(db, campaign), "");
  EXPECT_EQ(integrity(db), "ok");
}

TEST_F(ProcessTest, ChangedDataFileUnderTheWorkersModelRootIsRefusedOnBothSides) {
  // The coordinator digests its campaign root; the worker's --model-root has
  // the same model but a dataset with one byte changed (same size).
  const std::string data = "{\"prompt\": \"2+2=\", \"answers\": [\"4\"], \"task\": \"math\"}\n";
  std::string changed = data;
  changed[changed.find('4')] = '5';
  for (const char* root : {"coord", "elsewhere"}) {
    std::filesystem::create_directories(dir_ / root / "models" / "m");
    std::filesystem::create_directories(dir_ / root / "data");
    std::ofstream(dir_ / root / "models" / "m" / "config.json") << "{\"a\": 1}";
  }
  std::ofstream(dir_ / "coord" / "data" / "d.jsonl") << data;
  std::ofstream(dir_ / "elsewhere" / "data" / "d.jsonl") << changed;
  const auto campaign = write("coord/c.toml", R"(
[campaign]
name = "data-mismatch"
seed = 1
[[model]]
name = "m"
path = "models/m"
[[dataset]]
name = "d"
path = "data/d.jsonl"
inputs = 1
[[fault]]
model = "single_bit"
[budget]
trials_per_input = 1
)");
  const auto db = path("c.db");
  auto [c, endpoint] = coordinator(db, campaign);
  ASSERT_FALSE(endpoint.empty());
  const auto root = (dir_ / "elsewhere").string();
  auto first = worker(endpoint, "first", root);
  EXPECT_EQ(first.wait(kTimeout), 1);
  const auto worker_log = log("worker-first.log");
  EXPECT_NE(worker_log.find("manifest mismatch"), std::string::npos) << worker_log;
  EXPECT_NE(worker_log.find("data/d.jsonl"), std::string::npos) << worker_log;
  // The coordinator recorded why, leased nothing, and keeps serving: a
  // second such worker is heard and refused the same way.
  const auto refused = [&] {
    return query(db, "SELECT count(*) FROM event WHERE kind = 'worker_gone'"
                     " AND detail LIKE '%manifest mismatch: data/d.jsonl%'");
  };
  ASSERT_TRUE(wait_until([&] { return refused() >= 1; }));
  auto second = worker(endpoint, "second", root);
  EXPECT_EQ(second.wait(kTimeout), 1);
  ASSERT_TRUE(wait_until([&] { return refused() >= 2; }));
  EXPECT_EQ(query(db, "SELECT count(*) FROM unit WHERE issue_count > 0"), 0);
  EXPECT_NE(log("coordinator.log").find("manifest mismatch: data/d.jsonl"), std::string::npos);
  c.signal(SIGTERM);
  EXPECT_EQ(c.wait(kTimeout), 130);  // it was still running
  EXPECT_EQ(integrity(db), "ok");
}

}  // namespace
}  // namespace beamline::testing
