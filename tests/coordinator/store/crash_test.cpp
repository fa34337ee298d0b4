// A coordinator killed with SIGKILL in the middle of committing a batch: the
// database must reopen cleanly (integrity_check ok) with every committed
// batch present and the uncommitted one absent.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coordinator/store/sqlite_store.h"
#include "tests/coordinator/store/store_fixture.h"

namespace beamline::store::testing {
namespace {

TEST_F(StoreTest, KilledMidBatchLeavesCommittedRowsOnly) {
  std::vector<LeasedUnit> units;
  {
    auto opened = open(small_campaign());
    opened.store->register_worker(worker("w1"), 0);
    units = opened.store->lease_units("w1", 2, 1000, 0);
    ASSERT_EQ(units.size(), 2u);
  }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    // The child is the doomed coordinator: commit one batch, then stop
    // inside the next transaction (rows written, COMMIT not yet run).
    bool armed = false;
    SqliteStore::Options options;
    options.before_commit = [&] {
      if (!armed) return;
      const char byte = 'x';
      if (write(ready[1], &byte, 1) != 1) _exit(3);
      pause();  // SIGKILL arrives here
    };
    SqliteStore store(db_path_, 1, options);
    store.record_results({batch("w1", units[0])}, 10);
    armed = true;
    store.record_results({batch("w1", units[1])}, 20);
    _exit(2);  // not reached
  }
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));

  SqliteStore reopened(db_path_, 100);
  Database db(db_path_);
  Statement check(db, "PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.column_text(0), "ok");
  Statement rows(db, "SELECT unit_id, count(*) FROM trial GROUP BY unit_id");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.column_int64(0), units[0].id);
  EXPECT_EQ(rows.column_int64(1), 2);
  EXPECT_FALSE(rows.step());  // the uncommitted batch is absent
  const auto progress = reopened.cell_progress();
  EXPECT_EQ(progress[0].done, 2u);  // the counters rolled back with it
  EXPECT_EQ(reopened.unit_counts().done, 1u);
}

}  // namespace
}  // namespace beamline::store::testing
