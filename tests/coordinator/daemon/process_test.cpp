// Real processes over loopback: a worker killed with SIGKILL mid-unit, the
// coordinator killed with SIGKILL and restarted on its database, SIGTERM's
// drain and resume, and `beamline run` end to end.
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
  const auto campaign = write("c.toml", synthetic_campaign("run", 10, 20, 10));
  const auto db = path("c.db");
  const auto run = run_beamline(fmt::format("run {} --workers 2 --db {}", shell_quote(campaign), shell_quote(db)));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("800/800 trials"), std::string::npos) << run.err;
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
  Process run({"run", campaign, "--workers", "2", "--db", db}, path("run.log"));
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
  std::ifstream in(std::string(BEAMLINE_SOURCE_DIR) + "/examples/quickstart.toml");
  std::stringstream text;
  text << in.rdbuf();
  std::string copy = text.str();
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

}  // namespace
}  // namespace beamline::testing
