// BadFrameLog: every dropped frame is logged and recorded as a `bad_frame`
// event, rate-limited per reason (a flood of one kind never hides another),
// with what was held back counted in one summary row per window.
#include "coordinator/daemon/bad_frame_log.h"

#include <gtest/gtest.h>

#include "coordinator/store/sqlite_db.h"
#include "tests/coordinator/store/store_fixture.h"

namespace beamline::coordinator {
namespace {

class BadFrameLogTest : public store::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    opened_ = open(store::testing::small_campaign(), clock_.now_ms());
  }
  int64_t count(const std::string& where) {
    store::Database db(db_path_);
    store::Statement query(db, "SELECT count(*) FROM event WHERE kind = 'bad_frame' AND " + where);
    query.step();
    return query.column_int64(0);
  }
  ManualClock clock_;
  store::OpenedCampaign opened_;
};

TEST_F(BadFrameLogTest, FloodIsRecordedOneByOneUpToTheLimitThenCountedPerReason) {
  BadFrameLog log(*opened_.store, clock_);
  for (int i = 0; i < 50; ++i) log.drop(DropReason::malformed, "0x0080000001", "malformed frame of 9 bytes");
  log.drop(DropReason::oversized, "0x0080000002", "frame of 17825792 bytes exceeds the limit of 16777216");
  EXPECT_EQ(log.dropped(), 51u);
  EXPECT_EQ(count("detail LIKE 'malformed: malformed frame of 9 bytes (peer 0x0080000001)'"),
            static_cast<int64_t>(BadFrameLog::kDetailedPerWindow));
  EXPECT_EQ(count("detail LIKE 'oversized: frame of 17825792 bytes%'"), 1);  // not hidden by the flood
  EXPECT_EQ(count("detail LIKE '%more dropped%'"), 0);                       // the window is still open

  log.flush();  // nothing yet: the window has not closed
  EXPECT_EQ(count("detail LIKE '%more dropped%'"), 0);
  clock_.advance(BadFrameLog::kWindowMs);
  log.flush();
  EXPECT_EQ(count("detail LIKE 'malformed: 45 more dropped in%'"), 1);
  EXPECT_EQ(count("detail LIKE 'oversized:%more dropped%'"), 0);

  // A new window logs one by one again.
  log.drop(DropReason::malformed, "", "malformed frame of 3 bytes");
  EXPECT_EQ(count("detail = 'malformed: malformed frame of 3 bytes'"), 1);
}

TEST_F(BadFrameLogTest, ForcedFlushWritesWhatWasHeldBack) {
  BadFrameLog log(*opened_.store, clock_);
  for (size_t i = 0; i < BadFrameLog::kDetailedPerWindow + 2; ++i) log.drop(DropReason::multipart, "", "3 frames");
  log.flush(true);
  EXPECT_EQ(count("detail LIKE 'multipart: 2 more dropped%'"), 1);
}

TEST(PeerText, PrintableIdsStayGeneratedOnesBecomeHex) {
  EXPECT_EQ(peer_text("rogue"), "rogue");
  EXPECT_EQ(peer_text(std::string("\x00\x80\x00\x00\x29", 5)), "0x0080000029");
  EXPECT_EQ(peer_text(""), "");
  std::string sixteen_bytes;
  for (int i = 0; i < 16; ++i) sixteen_bytes += "01";
  EXPECT_EQ(peer_text(std::string(200, '\x01')), "0x" + sixteen_bytes + "... (200 bytes)");
  EXPECT_EQ(peer_text(std::string(100, 'r')), std::string(64, 'r') + "... (100 bytes)");
}

}  // namespace
}  // namespace beamline::coordinator
