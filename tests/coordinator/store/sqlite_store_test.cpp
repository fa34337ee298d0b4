#include "coordinator/store/sqlite_store.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "coordinator/store/migrations.h"
#include "tests/coordinator/store/store_fixture.h"

namespace beamline::store::testing {
namespace {

using campaign::Outcome;

TEST_F(StoreTest, MigratesAnEmptyFileAndRunsInWal) {
  SqliteStore store(db_path_, 5);
  EXPECT_EQ(store.schema_version(), latest_schema_version());
  EXPECT_GE(latest_schema_version(), 1);
  EXPECT_EQ(store.journal_mode(), "wal");
  EXPECT_FALSE(store.campaign().has_value());
  EXPECT_TRUE(store.cells().empty());
}

TEST_F(StoreTest, ReopeningAppliesNothingTwice) {
  { SqliteStore first(db_path_, 5); }
  SqliteStore again(db_path_, 6);
  EXPECT_EQ(again.schema_version(), latest_schema_version());
}

TEST_F(StoreTest, CreatesCampaignCellsAndUnits) {
  auto opened = open(small_campaign());
  auto& store = *opened.store;
  const auto stored = store.campaign();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->name, "small");
  EXPECT_EQ(stored->toml, small_campaign());
  EXPECT_EQ(stored->toml_hash, campaign::campaign_text_hash(small_campaign()));
  ASSERT_EQ(store.cells().size(), 1u);
  EXPECT_EQ(store.cells()[0].planned_trials, 8u);
  EXPECT_EQ(store.unit_counts().pending, 4u);
}

TEST_F(StoreTest, DuplicateResultsAreStoredOnce) {
  auto opened = open(small_campaign());
  auto& store = *opened.store;
  store.register_worker(worker("w1"), 10);
  const auto units = store.lease_units("w1", 1, 100, 10);
  ASSERT_EQ(units.size(), 1u);
  const ResultBatch results = batch("w1", units[0]);

  const auto first = store.record_results({results}, 20);
  EXPECT_EQ(first[0].stored, 2u);
  EXPECT_TRUE(first[0].unit_done);
  const auto again = store.record_results({results, results}, 21);  // resent twice in one transaction
  for (const auto& outcome : again) {
    EXPECT_EQ(outcome.stored, 0u);
    EXPECT_EQ(outcome.duplicates, 2u);
    EXPECT_EQ(outcome.trials, (std::vector<TrialInsert>{TrialInsert::duplicate, TrialInsert::duplicate}));
  }
  const auto progress = store.cell_progress();
  EXPECT_EQ(progress[0].done, 2u);
  EXPECT_EQ(progress[0].sdc, 2u);
  EXPECT_EQ(progress[0].pending, 6u);
}

TEST_F(StoreTest, TrialsOutsideTheUnitAreRejected) {
  auto opened = open(small_campaign());
  auto& store = *opened.store;
  store.register_worker(worker("w1"), 10);
  const auto unit = store.lease_units("w1", 1, 100, 10).at(0);
  ResultBatch results{"w1", unit.id, {trial(unit.unit.cell_id, unit.unit.trial_end), trial(999, 0)}, {}};
  const auto outcome = store.record_results({results, ResultBatch{"w1", 12345, {trial(1, 0)}, {}}}, 20);
  EXPECT_EQ(outcome[0].rejected, 2u);
  EXPECT_EQ(outcome[1].rejected, 1u);
  EXPECT_EQ(store.cell_progress()[0].done, 0u);
}

TEST_F(StoreTest, ExpiredLeasesAreReissued) {
  auto opened = open(small_campaign());
  auto& store = *opened.store;
  store.register_worker(worker("w1"), 0);
  store.register_worker(worker("w2"), 0);
  const auto leased = store.lease_units("w1", 4, 100, 0);
  ASSERT_EQ(leased.size(), 4u);
  EXPECT_TRUE(store.lease_units("w2", 4, 100, 0).empty());

  EXPECT_EQ(store.extend_leases("w1", 200), 4u);
  EXPECT_TRUE(store.expire_leases(150).empty());  // extended past 150
  const auto expired = store.expire_leases(250);
  EXPECT_EQ(expired.size(), 4u);
  EXPECT_EQ(store.unit_counts().pending, 4u);

  const auto reissued = store.lease_units("w2", 4, 500, 260);
  ASSERT_EQ(reissued.size(), 4u);
  EXPECT_EQ(reissued[0].id, leased[0].id);
  EXPECT_EQ(reissued[0].issue_count, 2);
}

TEST_F(StoreTest, LateResultForAReissuedUnitIsStoredOnce) {
  auto opened = open(small_campaign());
  auto& store = *opened.store;
  store.register_worker(worker("slow"), 0);
  store.register_worker(worker("fast"), 0);
  const auto first = store.lease_units("slow", 1, 100, 0).at(0);
  store.expire_leases(101);
  const auto second = store.lease_units("fast", 1, 300, 102).at(0);
  ASSERT_EQ(first.id, second.id);

  // The presumed-dead worker reports after all: stored, the unit is done.
  const auto late = store.record_results({batch("slow", first)}, 110);
  EXPECT_EQ(late[0].stored, 2u);
  EXPECT_TRUE(late[0].unit_done);
  EXPECT_EQ(store.unit_counts().done, 1u);
  // The new holder's results are duplicates, and its lease is gone.
  const auto again = store.record_results({batch("fast", second)}, 120);
  EXPECT_EQ(again[0].duplicates, 2u);
  EXPECT_TRUE(again[0].unit_done);
  EXPECT_EQ(store.extend_leases("fast", 400), 0u);
  EXPECT_EQ(store.cell_progress()[0].done, 2u);
}

TEST_F(StoreTest, ReleasedWorkerUnitsGoBackToPending) {
  auto opened = open(small_campaign());
  auto& store = *opened.store;
  store.register_worker(worker("w1"), 0);
  store.lease_units("w1", 3, 100, 0);
  EXPECT_EQ(store.release_worker("w1", 5).size(), 3u);
  store.worker_gone("w1", "goodbye", 5);
  EXPECT_EQ(store.unit_counts().pending, 4u);
}

TEST_F(StoreTest, BudgetMetCancelsPendingUnitsAndCompletionIsStored) {
  auto opened = open(small_campaign());
  auto& store = *opened.store;
  const int64_t cell = store.cells()[0].id;
  store.mark_budget_met(cell, 10);
  EXPECT_EQ(store.unit_counts().cancelled, 4u);
  EXPECT_EQ(store.cell_progress()[0].pending, 0u);
  EXPECT_FALSE(store.is_complete());
  store.mark_complete(11);
  EXPECT_TRUE(store.is_complete());
}

TEST_F(StoreTest, ResumeWithoutAFileUsesTheStoredCampaign) {
  { open(small_campaign()); }
  auto resumed = open_campaign_store(db_path_, std::nullopt, 2000);
  EXPECT_EQ(resumed.spec.name, "small");
  EXPECT_EQ(resumed.cells.size(), 1u);
  EXPECT_EQ(resumed.cells_added, 0u);
}

TEST_F(StoreTest, ChangedCampaignIsRefusedUnlessItOnlyAddsCells) {
  { open(small_campaign()); }
  std::string bigger = small_campaign();
  bigger.replace(bigger.find("trials_per_input = 4"), 20, "trials_per_input = 5");
  try {
    open(bigger);
    FAIL() << "a changed budget was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does more than add cells"), std::string::npos) << e.what();
  }
  std::string renamed = small_campaign();
  renamed.replace(renamed.find("name = \"small\""), 14, "name = \"other\"");
  EXPECT_THROW(open(renamed), Error);

  // Comments and an added protection: accepted, one new cell with its units.
  auto more = open("# a comment\n" + small_campaign("[[protection]]\nkind = \"none\"\n[[protection]]\nkind = \"ft2\"\n"));
  EXPECT_EQ(more.cells_added, 1u);
  EXPECT_EQ(more.store->cells().size(), 2u);
  EXPECT_EQ(more.store->unit_counts().pending, 8u);
  EXPECT_EQ(more.store->campaign()->toml.rfind("# a comment", 0), 0u);
}

TEST_F(StoreTest, NoCampaignNoDatabase) {
  EXPECT_THROW(open_campaign_store(db_path_, std::nullopt, 0), Error);
  EXPECT_FALSE(std::filesystem::exists(db_path_));
}

TEST_F(StoreTest, WeightFaultColumnsRoundTrip) {
  auto opened = open(small_campaign());
  auto& store = *opened.store;
  store.register_worker(worker("w1"), 0);
  const auto unit = store.lease_units("w1", 1, 100, 0).at(0);
  ResultBatch results = batch("w1", unit);
  results.trials[0].accuracy = 0.5;
  results.trials[0].non_finite = 2;
  results.trials[0].fault_count = 7;
  store.record_results({results}, 1);
  Database db(db_path_);
  Statement query(db, "SELECT accuracy, non_finite, fault_count FROM trial WHERE accuracy IS NOT NULL");
  ASSERT_TRUE(query.step());
  EXPECT_DOUBLE_EQ(query.column_double(0), 0.5);
  EXPECT_EQ(query.column_int64(1), 2);
  EXPECT_EQ(query.column_int64(2), 7);
  EXPECT_FALSE(query.step());
}

TEST_F(StoreTest, OutcomeCheckConstraintHolds) {
  auto opened = open(small_campaign());
  Database db(db_path_);
  EXPECT_THROW(db.exec("INSERT INTO trial (cell_id, trial_index, input_index, outcome, site, recorded_ms)"
                       " VALUES (1, 100, 0, 'wrong', '', 0)"),
               Error);
}

}  // namespace
}  // namespace beamline::store::testing
