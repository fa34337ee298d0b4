// Coordinator and workers in one process over loopback TCP (see
// loopback_fixture.h): exactly-once results, deterministic outcomes, a
// rogue client, refusals.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <zmq.hpp>

#include "common/campaign/synthetic.h"
#include "common/error.h"
#include "common/protocol/frame_codec.h"
#include "common/protocol/version.h"
#include "tests/coordinator/daemon/loopback_fixture.h"

namespace beamline::testing {
namespace {

constexpr auto kTimeout = std::chrono::seconds(120);

TEST_F(LoopbackTest, TwoWorkersRecordEveryTrialExactlyOnce) {
  // 4 cells x 30 inputs x 20 trials = 2,400 trials in units of 8.
  const auto campaign = write("c.toml", synthetic_campaign("two", 30, 20, 8));
  const auto endpoint = start_coordinator(campaign);
  auto w1 = start_worker(worker_options(endpoint, "w1"));
  auto w2 = start_worker(worker_options(endpoint, "w2"));
  EXPECT_EQ(coordinator_exit(), 0);
  ASSERT_EQ(w1.wait_for(kTimeout), std::future_status::ready);
  ASSERT_EQ(w2.wait_for(kTimeout), std::future_status::ready);
  EXPECT_EQ(w1.get().first, 0);  // told to stop: campaign complete
  EXPECT_EQ(w2.get().first, 0);

  EXPECT_EQ(query("SELECT count(*) FROM trial"), 2400);
  EXPECT_EQ(query("SELECT count(DISTINCT cell_id || ':' || trial_index) FROM trial"), 2400);
  EXPECT_EQ(query("SELECT sum(done_trials) FROM cell"), 2400);
  EXPECT_EQ(query("SELECT count(*) FROM unit WHERE state <> 'done'"), 0);
  EXPECT_GT(query("SELECT completed_ms FROM campaign"), 0);
  EXPECT_EQ(query("SELECT count(DISTINCT worker_id) FROM trial"), 2);
  // The null fault never changes an answer.
  EXPECT_EQ(query("SELECT count(*) FROM trial JOIN cell ON cell.id = trial.cell_id"
                  " WHERE cell.fault_model = 'none' AND outcome <> 'masked_identical'"),
            0);
  // Every stored outcome is the pure function of (seed, site key, index).
  store::Database db(db_path_);
  store::Statement rows(db,
                        "SELECT c.site_key, t.trial_index, t.outcome, c.model FROM trial t JOIN cell c ON c.id ="
                        " t.cell_id WHERE c.fault_model = 'single_bit' ORDER BY t.rowid LIMIT 300");
  campaign::SyntheticRates a{0.3, 0.0, 0.0, 0.0};
  while (rows.step()) {
    campaign::SyntheticRates rates = rows.column_text(3) == "syn-a" ? campaign::SyntheticRates{0.1, 0.01, 0.0, 0.0} : a;
    const auto expected = campaign::run_synthetic_trial(11, rows.column_text(0),
                                                        static_cast<uint64_t>(rows.column_int64(1)),
                                                        fault::FaultModel::single_bit, rates);
    EXPECT_EQ(rows.column_text(2), campaign::to_string(expected.outcome));
  }
}

TEST_F(LoopbackTest, RogueClientDoesNotDisturbARunningCampaign) {
  const auto campaign = write("c.toml", synthetic_campaign("rogue", 20, 20, 10, 0.2));
  const auto endpoint = start_coordinator(campaign);
  auto w1 = start_worker(worker_options(endpoint, "w1"));

  zmq::context_t context;
  {
    zmq::socket_t rogue(context, zmq::socket_type::dealer);
    rogue.set(zmq::sockopt::linger, 0);
    rogue.connect(endpoint);
    const std::string junk = "\xff\x01garbage that is no protobuf \x00\x13";
    for (int i = 0; i < 200; ++i) rogue.send(zmq::buffer(junk), zmq::send_flags::dontwait);
    rogue.send(zmq::buffer(std::string()), zmq::send_flags::dontwait);  // empty frame
    rogue.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);         // three frames
    rogue.send(zmq::str_buffer("b"), zmq::send_flags::sndmore);
    rogue.send(zmq::str_buffer("c"), zmq::send_flags::none);
    // A well-formed message without hello, and results for a unit it never got.
    wire::WorkerMessage fake;
    fake.mutable_credit()->set_units(1000);
    rogue.send(zmq::buffer(protocol::encode(fake)), zmq::send_flags::dontwait);
    wire::WorkerMessage results;
    results.mutable_results()->set_unit_id(1);
    auto* trial = results.mutable_results()->add_trials();
    trial->set_cell_id(1);
    trial->set_trial_index(0);
    trial->set_outcome(wire::SDC);
    rogue.send(zmq::buffer(protocol::encode(results)), zmq::send_flags::dontwait);
    // Over the frame limit, under the socket's: reported as oversized.
    rogue.send(zmq::buffer(std::string(protocol::kMaxFrameBytes + 100000, 'x')), zmq::send_flags::dontwait);
    // A REQ client's delimiter frame.
    zmq::socket_t req(context, zmq::socket_type::req);
    req.set(zmq::sockopt::linger, 0);
    req.connect(endpoint);
    req.send(zmq::str_buffer("hello?"), zmq::send_flags::dontwait);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  auto w2 = start_worker(worker_options(endpoint, "w2"));
  EXPECT_EQ(coordinator_exit(), 0);
  ASSERT_EQ(w1.wait_for(kTimeout), std::future_status::ready);
  ASSERT_EQ(w2.wait_for(kTimeout), std::future_status::ready);
  EXPECT_EQ(query("SELECT count(*) FROM trial"), 4 * 20 * 20);
  EXPECT_EQ(query("SELECT count(*) FROM worker"), 2);  // the rogue never became one
  EXPECT_EQ(query("SELECT count(*) FROM trial WHERE worker_id NOT IN ('w1', 'w2')"), 0);
  for (const char* reason : {"malformed", "multipart", "before_hello", "oversized", "unknown_message"}) {
    EXPECT_GE(query(fmt::format("SELECT count(*) FROM event WHERE kind = 'bad_frame' AND detail LIKE '{}:%'", reason)),
              1)
        << reason;
  }
}

TEST_F(LoopbackTest, WrongProtocolVersionIsRefusedOnBothSides) {
  const auto campaign = write("c.toml", synthetic_campaign("version", 2, 2, 2));
  const auto endpoint = start_coordinator(campaign);
  auto options = worker_options(endpoint, "old");
  options.protocol_version = 99;
  auto old = start_worker(options);
  ASSERT_EQ(old.wait_for(kTimeout), std::future_status::ready);
  const auto [code, error] = old.get();
  EXPECT_EQ(code, -1);
  EXPECT_NE(error.find("refused"), std::string::npos) << error;
  EXPECT_NE(error.find("protocol version 99"), std::string::npos) << error;
  // The coordinator carries on and serves a good worker.
  auto good = start_worker(worker_options(endpoint, "good"));
  EXPECT_EQ(coordinator_exit(), 0);
  EXPECT_EQ(query("SELECT count(*) FROM trial"), 4 * 2 * 2);
  EXPECT_EQ(query("SELECT count(*) FROM event WHERE kind = 'refused' AND worker_id = 'old'"), 1);
}

TEST_F(LoopbackTest, ManifestMismatchIsRefusedOnBothSides) {
  // An hf model the worker sees with other bytes than the coordinator.
  std::filesystem::create_directories(dir_ / "coord" / "models" / "m");
  std::filesystem::create_directories(dir_ / "workerroot" / "models" / "m");
  std::ofstream(dir_ / "coord" / "models" / "m" / "config.json") << "{\"a\": 1}";
  std::ofstream(dir_ / "workerroot" / "models" / "m" / "config.json") << "{\"a\": 2}";
  std::ofstream(dir_ / "coord" / "data.jsonl") << "{}\n";
  const auto campaign = write("coord/c.toml", R"(
[campaign]
name = "manifest"
seed = 1
[[model]]
name = "m"
path = "models/m"
[[dataset]]
name = "d"
path = "data.jsonl"
inputs = 1
[[fault]]
model = "single_bit"
[budget]
trials_per_input = 1
)");
  const auto endpoint = start_coordinator(campaign);
  auto options = worker_options(endpoint, "mismatched");
  options.model_root = (dir_ / "workerroot").string();
  auto worker = start_worker(options);
  ASSERT_EQ(worker.wait_for(kTimeout), std::future_status::ready);
  const auto [code, error] = worker.get();
  EXPECT_EQ(code, -1);
  EXPECT_NE(error.find("manifest mismatch"), std::string::npos) << error;
  EXPECT_NE(error.find("models/m/config.json"), std::string::npos) << error;
  // The coordinator heard why (its goodbye) and leased it nothing.
  for (int i = 0; i < 600 && query("SELECT count(*) FROM worker WHERE state = 'gone'") < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(query("SELECT count(*) FROM event WHERE kind = 'worker_gone' AND detail LIKE '%manifest mismatch%'"), 1);
  EXPECT_EQ(query("SELECT count(*) FROM unit WHERE issue_count > 0"), 0);
  stop_.store(true);
  EXPECT_EQ(coordinator_exit(), coordinator::kExitStopped);
}

TEST_F(LoopbackTest, SecondCoordinatorOnTheSameDatabaseIsRefused) {
  const auto campaign = write("c.toml", synthetic_campaign("lock", 2, 2, 2));
  start_coordinator(campaign);
  coordinator::CoordinatorOptions second;
  second.db_path = db_path_;
  second.bind = "tcp://127.0.0.1:*";
  second.handle_signals = false;
  try {
    coordinator::run_coordinator(second);
    ADD_FAILURE() << "a second coordinator ran";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another coordinator"), std::string::npos) << e.what();
  }
  stop_.store(true);
  EXPECT_EQ(coordinator_exit(), coordinator::kExitStopped);
}

}  // namespace
}  // namespace beamline::testing
