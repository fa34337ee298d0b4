// The scheduler without sockets: messages in, the outbox out, a ManualClock
// for heartbeats and leases, a real SqliteStore in a temporary folder.
#include "coordinator/daemon/scheduler.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "common/campaign/campaign_parser.h"
#include "common/protocol/version.h"
#include "coordinator/store/campaign_setup.h"
#include "coordinator/store/sqlite_db.h"
#include "tests/coordinator/store/store_fixture.h"

namespace beamline::coordinator {
namespace {

using store::testing::small_campaign;

class SchedulerTest : public store::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    start(small_campaign());
  }

  void start(const std::string& text) {
    scheduler_.reset();
    opened_ = store::OpenedCampaign{};
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path_ + suffix);
    opened_ = open(text, clock_.now_ms());
    SchedulerOptions options;
    options.coordinator_id = "test";
    options.lease_ms = 10000;
    scheduler_ = std::make_unique<Scheduler>(*opened_.store, opened_.spec, opened_.cells, wire::Manifest{}, clock_,
                                             options);
  }

  static wire::WorkerMessage hello(const std::string& id, uint32_t version = protocol::kProtocolVersion) {
    wire::WorkerMessage message;
    message.mutable_hello()->set_worker_id(id);
    message.mutable_hello()->set_protocol_version(version);
    message.mutable_hello()->set_device("cpu");
    message.mutable_hello()->set_capacity(2);
    return message;
  }
  static wire::WorkerMessage credit(uint32_t units) {
    wire::WorkerMessage message;
    message.mutable_credit()->set_units(units);
    return message;
  }
  static wire::WorkerMessage heartbeat(const std::vector<uint64_t>& units) {
    wire::WorkerMessage message;
    auto* beat = message.mutable_heartbeat();
    for (auto id : units) beat->add_progress()->set_unit_id(id);
    return message;
  }
  // Every trial of the unit, as a worker would report it.
  static wire::WorkerMessage results(const wire::WorkUnit& unit, uint64_t seq) {
    wire::WorkerMessage message;
    auto* results = message.mutable_results();
    results->set_unit_id(unit.unit_id());
    results->set_batch_seq(seq);
    results->set_unit_finished(true);
    for (uint64_t t = unit.trial_begin(); t < unit.trial_end(); ++t) {
      auto* trial = results->add_trials();
      trial->set_cell_id(unit.cell_id());
      trial->set_trial_index(t);
      trial->set_outcome(wire::SDC);
      trial->set_site("synthetic:u=0.1");
      trial->set_input_index(unit.input_index());
      trial->set_first_divergence_step(-1);
    }
    return message;
  }

  std::vector<Outgoing> step() {
    scheduler_->flush_results();
    scheduler_->tick();
    return scheduler_->take_outbox();
  }

  static std::vector<wire::WorkUnit> assigned(const std::vector<Outgoing>& out, const std::string& peer) {
    std::vector<wire::WorkUnit> units;
    for (const auto& o : out) {
      if (o.peer == peer && o.message.has_assign()) {
        for (const auto& u : o.message.assign().units()) units.push_back(u);
      }
    }
    return units;
  }

  int64_t count(const std::string& sql) {
    store::Database db(db_path_);
    store::Statement query(db, sql);
    query.step();
    return query.column_int64(0);
  }

  ManualClock clock_;
  store::OpenedCampaign opened_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(SchedulerTest, HelloGetsWelcomeWithManifestAndHeartbeatSettings) {
  scheduler_->on_message("p1", hello("w1"));
  const auto out = scheduler_->take_outbox();
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].message.has_welcome());
  EXPECT_EQ(out[0].message.welcome().protocol_version(), protocol::kProtocolVersion);
  EXPECT_EQ(out[0].message.welcome().coordinator_id(), "test");
  EXPECT_EQ(out[0].message.welcome().heartbeat_liveness(), 3u);
  EXPECT_EQ(count("SELECT count(*) FROM worker WHERE id = 'w1' AND state = 'alive'"), 1);
}

TEST_F(SchedulerTest, WrongProtocolVersionIsRefusedNotRegistered) {
  scheduler_->on_message("p1", hello("w1", 99));
  const auto out = scheduler_->take_outbox();
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].message.has_shutdown());
  EXPECT_EQ(out[0].message.shutdown().reason(), wire::REFUSED);
  EXPECT_NE(out[0].message.shutdown().detail().find("protocol version 99"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM worker"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM event WHERE kind = 'refused'"), 1);
  // Nothing it sends afterwards is acted on; the caller is told why, to log it.
  const auto dropped = scheduler_->on_message("p1", credit(2));
  ASSERT_TRUE(dropped.has_value());
  EXPECT_NE(dropped->find("credit from a peer that has not said hello"), std::string::npos) << *dropped;
  EXPECT_TRUE(assigned(step(), "p1").empty());
  EXPECT_FALSE(scheduler_->on_message("p2", hello("w2")).has_value());
}

TEST_F(SchedulerTest, AFloodOfWrongHellosIsRefusedEveryTimeButRecordedUpToTheLimit) {
  // Every refusal row is an fsync'd transaction: a client saying a wrong
  // hello in a loop must not turn into a row per hello.
  for (int i = 0; i < 20; ++i) scheduler_->on_message("p" + std::to_string(i), hello("old", 99));
  const auto out = scheduler_->take_outbox();
  ASSERT_EQ(out.size(), 20u);
  for (const auto& o : out) EXPECT_EQ(o.message.shutdown().reason(), wire::REFUSED);
  EXPECT_EQ(count("SELECT count(*) FROM event WHERE kind = 'refused' AND worker_id = 'old'"), 5);
  step();  // the window is still open: nothing more yet
  EXPECT_EQ(count("SELECT count(*) FROM event WHERE kind = 'refused'"), 5);
  clock_.advance(10'000);
  step();
  EXPECT_EQ(count("SELECT count(*) FROM event WHERE kind = 'refused' AND detail LIKE '15 more hellos refused%'"), 1);
  // A new window lets refusals through one by one again.
  scheduler_->on_message("p99", hello("old", 99));
  EXPECT_EQ(count("SELECT count(*) FROM event WHERE kind = 'refused' AND worker_id = 'old'"), 6);
}

TEST_F(SchedulerTest, NeverAssignsMoreThanTheCredit) {
  scheduler_->on_message("p1", hello("w1"));
  scheduler_->take_outbox();
  scheduler_->on_message("p1", credit(1));
  auto units = assigned(scheduler_->take_outbox(), "p1");
  ASSERT_EQ(units.size(), 1u);
  EXPECT_EQ(units[0].trial_end() - units[0].trial_begin(), 2u);
  EXPECT_EQ(units[0].model().kind(), "synthetic");
  EXPECT_TRUE(assigned(step(), "p1").empty());  // no credit left
  scheduler_->on_message("p1", credit(5));
  EXPECT_EQ(assigned(scheduler_->take_outbox(), "p1").size(), 3u);  // all that is left of 4 units
}

TEST_F(SchedulerTest, ResultsAreAcknowledgedAfterCommitAndTheCampaignCompletes) {
  scheduler_->on_message("p1", hello("w1"));
  scheduler_->on_message("p1", credit(4));
  const auto units = assigned(scheduler_->take_outbox(), "p1");
  ASSERT_EQ(units.size(), 4u);
  uint64_t seq = 1;
  for (const auto& unit : units) scheduler_->on_message("p1", results(unit, seq++));
  EXPECT_TRUE(scheduler_->take_outbox().empty());  // queued, not yet stored: no ack
  EXPECT_EQ(count("SELECT count(*) FROM trial"), 0);
  scheduler_->flush_results();
  EXPECT_EQ(count("SELECT count(*) FROM trial"), 8);
  size_t acks = 0;
  for (const auto& o : scheduler_->take_outbox()) {
    if (!o.message.has_ack()) continue;
    ++acks;
    EXPECT_EQ(o.message.ack().stored(), 2u);
  }
  EXPECT_EQ(acks, 4u);
  // A resend is acknowledged as duplicates, stored once.
  scheduler_->on_message("p1", results(units[0], 1));
  scheduler_->flush_results();
  const auto out = scheduler_->take_outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].message.ack().duplicates(), 2u);
  step();
  EXPECT_TRUE(scheduler_->complete());
  EXPECT_TRUE(opened_.store->is_complete());
}

TEST_F(SchedulerTest, SilentWorkerIsPresumedDeadAndItsUnitsReissued) {
  scheduler_->on_message("p1", hello("w1"));
  scheduler_->on_message("p1", credit(2));
  const auto first = assigned(scheduler_->take_outbox(), "p1");
  ASSERT_EQ(first.size(), 2u);
  scheduler_->on_message("p2", hello("w2"));
  scheduler_->on_message("p2", credit(4));
  EXPECT_EQ(assigned(scheduler_->take_outbox(), "p2").size(), 2u);  // the two w1 does not hold
  std::vector<wire::WorkUnit> reissued;
  for (int i = 0; i < 5; ++i) {  // w2 keeps talking, w1 is silent
    clock_.advance(1000);
    scheduler_->on_message("p2", heartbeat({}));
    for (const auto& unit : assigned(step(), "p2")) reissued.push_back(unit);
  }
  EXPECT_EQ(scheduler_->sessions(), 1u);
  ASSERT_EQ(reissued.size(), 2u);
  EXPECT_EQ(reissued[0].unit_id(), first[0].unit_id());
  EXPECT_EQ(count("SELECT count(*) FROM unit WHERE issue_count = 2"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM worker WHERE id = 'w1' AND state = 'gone'"), 1);
}

TEST_F(SchedulerTest, ReconnectedWorkerKeepsTheUnitsItStillHolds) {
  scheduler_->on_message("p1", hello("w1"));
  scheduler_->on_message("p1", credit(2));
  const auto units = assigned(scheduler_->take_outbox(), "p1");
  ASSERT_EQ(units.size(), 2u);
  // New connection, same worker: it still runs units[0] but lost units[1].
  scheduler_->on_message("p9", hello("w1"));
  scheduler_->on_message("p9", heartbeat({units[0].unit_id()}));
  EXPECT_EQ(count("SELECT count(*) FROM unit WHERE state = 'leased'"), 1);
  EXPECT_EQ(count(fmt::format("SELECT count(*) FROM unit WHERE state = 'leased' AND id = {}", units[0].unit_id())), 1);
  EXPECT_EQ(scheduler_->sessions(), 1u);
}

TEST_F(SchedulerTest, ExpiredLeaseIsReissued) {
  scheduler_->on_message("p1", hello("w1"));
  scheduler_->on_message("p1", credit(1));
  ASSERT_EQ(assigned(scheduler_->take_outbox(), "p1").size(), 1u);
  // w1 keeps heartbeating but reports no units (it dropped the Assign):
  // the lease runs out and the unit goes to whoever has credit.
  for (int i = 0; i < 12; ++i) {
    clock_.advance(1000);
    scheduler_->on_message("p1", heartbeat({}));
    step();
  }
  scheduler_->on_message("p1", credit(4));
  EXPECT_EQ(assigned(scheduler_->take_outbox(), "p1").size(), 4u);
}

TEST_F(SchedulerTest, MessagesFromUnknownPeersAreIgnored) {
  wire::WorkerMessage fake = credit(100);
  scheduler_->on_message("rogue", fake);
  EXPECT_TRUE(step().empty());
  EXPECT_EQ(count("SELECT count(*) FROM unit WHERE state = 'leased'"), 0);
}

TEST_F(SchedulerTest, AUnitThatKeepsFailingStopsTheCampaign) {
  scheduler_->on_message("p1", hello("w1"));
  for (int attempt = 0; attempt < 3; ++attempt) {
    scheduler_->on_message("p1", credit(1));
    auto units = assigned(scheduler_->take_outbox(), "p1");
    ASSERT_EQ(units.size(), 1u);
    EXPECT_EQ(units[0].unit_id(), 1u);  // released, so first again
    wire::WorkerMessage failed;
    failed.mutable_results()->set_unit_id(units[0].unit_id());
    failed.mutable_results()->set_unit_finished(true);
    failed.mutable_results()->set_error("model file missing");
    scheduler_->on_message("p1", failed);
    step();
  }
  ASSERT_TRUE(scheduler_->fatal_error().has_value());
  EXPECT_NE(scheduler_->fatal_error()->find("model file missing"), std::string::npos);
}

TEST_F(SchedulerTest, HalfWidthTargetCancelsTheRestOfTheCell) {
  // sdc_rate 0.5 synthetic; a very loose target is met by the first unit.
  start(R"(
[campaign]
name = "hw"
seed = 3
[[model]]
name = "fake"
kind = "synthetic"
sdc_rate = 0.5
[[dataset]]
name = "d"
inputs = 2
[[fault]]
model = "single_bit"
[budget]
target_half_width = 0.45
max_trials_per_cell = 40
unit_trials = 4
)");
  scheduler_->on_message("p1", hello("w1"));
  scheduler_->on_message("p1", credit(1));
  const auto units = assigned(scheduler_->take_outbox(), "p1");
  ASSERT_EQ(units.size(), 1u);
  scheduler_->on_message("p1", results(units[0], 1));
  step();
  EXPECT_EQ(count("SELECT count(*) FROM cell WHERE state = 'budget_met'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM unit WHERE state = 'cancelled'"), 9);
  EXPECT_TRUE(scheduler_->complete());
}

TEST_F(SchedulerTest, GoldenRunsAreStoredWithTheirResults) {
  scheduler_->on_message("p1", hello("w1"));
  scheduler_->on_message("p1", credit(1));
  const auto units = assigned(scheduler_->take_outbox(), "p1");
  auto message = results(units[0], 1);
  auto* golden = message.mutable_results()->add_golden();
  golden->set_model("fake");
  golden->set_dataset("d");
  golden->set_input_index(0);
  golden->set_source_row(7);
  golden->set_protection("none");
  golden->set_output_text("42");
  golden->add_output_tokens(5);
  golden->add_output_tokens(6);
  golden->set_correct(true);
  golden->set_first_token_seconds(0.25);
  scheduler_->on_message("p1", message);
  scheduler_->on_message("p1", message);  // the same golden run again: kept once
  step();
  EXPECT_EQ(count("SELECT count(*) FROM golden WHERE output_tokens = '5 6' AND correct = 1"
                  " AND first_token_seconds = 0.25"), 1);
  EXPECT_EQ(count("SELECT source_row FROM input WHERE model = 'fake' AND input_index = 0"), 7);
}

}  // namespace
}  // namespace beamline::coordinator
