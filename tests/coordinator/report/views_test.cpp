// The SQL views (schema/migrations/0002_views.sql and
// 0004_first_token_time.sql) as a user at `sqlite3 results.db` sees them:
// their Wilson bounds equal common/stats', and the counts match the
// fixture (report_fixture.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/stats/interval.h"
#include "coordinator/store/sqlite_db.h"
#include "tests/coordinator/report/report_fixture.h"

namespace beamline::report {
namespace {

class ViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-views-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    testing::build_report_fixture((dir_ / "results.db").string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ViewsTest, EveryRatesViewHasWilsonBoundsOfCommonStats) {
  store::Database db((dir_ / "results.db").string(), store::OpenMode::read_only);
  for (const std::string view : {"cell_rates", "layer_rates", "block_rates", "bit_rates", "step_rates"}) {
    store::Statement query(db, "SELECT n, sdc, wilson_low, wilson_high FROM " + view + " WHERE n > 0");
    int rows = 0;
    while (query.step()) {
      ++rows;
      const auto n = static_cast<uint64_t>(query.column_int64(0));
      const auto k = static_cast<uint64_t>(query.column_int64(1));
      const stats::Interval expected = stats::wilson_interval(k, n);
      EXPECT_NEAR(query.column_double(2), expected.low, 1e-12) << view << " " << k << "/" << n;
      EXPECT_NEAR(query.column_double(3), expected.high, 1e-12) << view << " " << k << "/" << n;
    }
    EXPECT_GT(rows, 0) << view;
  }
}

TEST_F(ViewsTest, CountsMatchTheFixture) {
  store::Database db((dir_ / "results.db").string(), store::OpenMode::read_only);
  auto single = [&](const std::string& sql) {
    store::Statement query(db, sql);
    EXPECT_TRUE(query.step()) << sql;
    return query.column_double(0);
  };
  EXPECT_EQ(single("SELECT masked FROM cell_rates WHERE cell_id = 1"), 11);
  EXPECT_EQ(single("SELECT wilson_low FROM cell_rates WHERE cell_id = 2 AND sdc = 2") > 0, true);
  EXPECT_EQ(single("SELECT sdc FROM layer_rates WHERE cell_id = 1 AND layer = 'q_proj'"), 4);
  EXPECT_EQ(single("SELECT n FROM bit_rates WHERE cell_id = 2 AND bit = 3"), 13);
  EXPECT_EQ(single("SELECT sdc FROM step_rates WHERE cell_id = 1 AND step = 0"), 2);
  EXPECT_EQ(single("SELECT sdc_reduction FROM protection_comparison WHERE cell_id = 2"), 0.75);
  EXPECT_EQ(single("SELECT none_cell_id FROM protection_comparison WHERE cell_id = 2"), 1);
  EXPECT_EQ(single("SELECT sdc FROM layer_criticality WHERE cell_id = 2 AND unprotected_layer = 'v_proj'"), 6);
  EXPECT_NEAR(single("SELECT overhead FROM protection_overhead WHERE protection = 'ft2'"), 0.1, 1e-12);
  EXPECT_NEAR(single("SELECT accuracy FROM weight_accuracy_rates WHERE cell_id = 4"), 0.4, 1e-12);
  EXPECT_EQ(single("SELECT nan_trials FROM weight_accuracy WHERE cell_id = 5"), 2);
  EXPECT_EQ(single("SELECT count(*) FROM cell_rates WHERE wilson_low = 0.0 AND sdc = 0"), 3);
}

TEST_F(ViewsTest, FirstTokenTimeIsTheShareOfGoldenSeconds) {
  store::Database db((dir_ / "results.db").string(), store::OpenMode::read_only);
  store::Statement query(db,
                         "SELECT model, dataset, protection, runs, first_token_seconds, seconds, first_token_share, "
                         "min_run_share, max_run_share, even_share FROM first_token_time ORDER BY protection");
  // Only the qa runs have first-token times (choice's are NULL and 0).
  ASSERT_TRUE(query.step());
  EXPECT_EQ(query.column_text(2), "ft2");
  EXPECT_EQ(query.column_int64(3), 2);
  EXPECT_NEAR(query.column_double(4), 0.77, 1e-12);
  EXPECT_NEAR(query.column_double(5), 4.4, 1e-12);
  EXPECT_NEAR(query.column_double(6), 0.175, 1e-12);
  EXPECT_NEAR(query.column_double(7), 0.1, 1e-12);
  EXPECT_NEAR(query.column_double(8), 0.2, 1e-12);
  EXPECT_NEAR(query.column_double(9), 0.05, 1e-12);
  ASSERT_TRUE(query.step());
  EXPECT_EQ(query.column_text(0), "m");
  EXPECT_EQ(query.column_text(1), "qa");
  EXPECT_EQ(query.column_text(2), "none");
  EXPECT_NEAR(query.column_double(6), 0.125, 1e-12);
  EXPECT_FALSE(query.step());
}

}  // namespace
}  // namespace beamline::report
