// beamline report on the fixture database (report_fixture.h): every table's
// numbers against the counts written there, in every format.
#include "coordinator/report/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.h"
#include "common/stats/interval.h"
#include "common/stats/mcnemar.h"
#include "coordinator/report/weight_metrics.h"
#include "tests/coordinator/report/report_fixture.h"

namespace beamline::report {
namespace {

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-report-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_ = (dir_ / "results.db").string();
    testing::build_report_fixture(db_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string report(ReportOptions options) {
    std::ostringstream out;
    write_report(db_, options, out);
    return out.str();
  }

  nlohmann::json json(ReportOptions options = {}) {
    options.format = ReportFormat::json;
    return nlohmann::json::parse(report(options));
  }

  static const nlohmann::json& table(const nlohmann::json& report, const std::string& id) {
    for (const auto& t : report["tables"]) {
      if (t["id"] == id) return t;
    }
    ADD_FAILURE() << "no table " << id;
    static const nlohmann::json none;
    return none;
  }

  // The row whose fields match all of `where`.
  static nlohmann::json row(const nlohmann::json& table, const nlohmann::json& where) {
    for (const auto& r : table["rows"]) {
      bool match = true;
      for (const auto& [key, value] : where.items()) match = match && r[key] == value;
      if (match) return r;
    }
    ADD_FAILURE() << "no row " << where.dump() << " in " << table["id"];
    return {};
  }

  std::filesystem::path dir_;
  std::string db_;
};

TEST_F(ReportTest, SdcRatePerCellWithWilsonInterval) {
  const auto report = json();
  EXPECT_EQ(report["header"]["campaign"], "fixture");
  EXPECT_EQ(report["header"]["done"], 52);
  const auto none = row(table(report, "cell_sdc"), {{"cell", 1}});
  EXPECT_EQ(none["protection"], "none");
  EXPECT_EQ(none["n"], 20);
  EXPECT_EQ(none["sdc"], 8);
  EXPECT_EQ(none["due"], 1);
  EXPECT_EQ(none["masked"], 11);
  EXPECT_DOUBLE_EQ(none["sdc_rate"].get<double>(), 0.4);
  const stats::Interval wilson = stats::wilson_interval(8, 20);
  EXPECT_DOUBLE_EQ(none["sdc_low"].get<double>(), wilson.low);
  EXPECT_DOUBLE_EQ(none["sdc_high"].get<double>(), wilson.high);
  EXPECT_EQ(row(table(report, "cell_sdc"), {{"cell", 2}})["sdc"], 2);
}

TEST_F(ReportTest, ConfidenceAndMethodReachEveryInterval) {
  ReportOptions options;
  options.confidence = 0.99;
  options.method = stats::IntervalMethod::exact;
  const auto report = json(options);
  const auto none = row(table(report, "cell_sdc"), {{"cell", 1}});
  const stats::Interval exact = stats::clopper_pearson_interval(8, 20, 0.99);
  EXPECT_DOUBLE_EQ(none["sdc_low"].get<double>(), exact.low);
  EXPECT_DOUBLE_EQ(none["sdc_high"].get<double>(), exact.high);
  EXPECT_EQ(report["header"]["interval"], "99% exact interval");
}

TEST_F(ReportTest, SdcReductionWithExactMcNemar) {
  const auto r = row(table(json(), "protection_reduction"), {{"cell", 2}});
  EXPECT_EQ(r["pairs"], 20);
  EXPECT_EQ(r["sdc_none"], 8);
  EXPECT_EQ(r["sdc_protected"], 2);
  EXPECT_EQ(r["only_none_sdc"], 6);
  EXPECT_EQ(r["only_protected_sdc"], 0);
  EXPECT_DOUBLE_EQ(r["sdc_reduction"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(r["mcnemar_p"].get<double>(), 2.0 / 64);
  EXPECT_DOUBLE_EQ(r["protected_high"].get<double>(), stats::wilson_interval(2, 20).high);
}

TEST_F(ReportTest, ProtectionOverheadFromGoldenRuns) {
  const auto r = row(table(json(), "protection_overhead"), {{"protection", "ft2"}});
  EXPECT_EQ(r["inputs"], 2);
  EXPECT_NEAR(r["overhead"].get<double>(), 0.1, 1e-12);
}

TEST_F(ReportTest, LayerKindsBlocksAndCriticality) {
  const auto report = json();
  const auto v = row(table(report, "layer_sdc"), {{"cell", 1}, {"layer", "v_proj"}});
  EXPECT_EQ(v["n"], 10);
  EXPECT_EQ(v["sdc"], 4);
  EXPECT_EQ(row(table(report, "layer_sdc"), {{"cell", 2}, {"layer", "q_proj"}})["sdc"], 2);
  EXPECT_EQ(row(table(report, "block_sdc"), {{"cell", 1}, {"block", 1}, {"layer", "q_proj"}})["n"], 10);
  // ft2 with v_proj left unprotected: even trials take none's outcome (4
  // SDC), odd ones ft2's (2); with q_proj left unprotected: 4 + 0.
  const auto& critical = table(report, "layer_criticality");
  const auto left_v = row(critical, {{"cell", 2}, {"unprotected_layer", "v_proj"}});
  EXPECT_EQ(left_v["n"], 20);
  EXPECT_EQ(left_v["sdc"], 6);
  EXPECT_DOUBLE_EQ(left_v["all_protected_rate"].get<double>(), 0.1);
  EXPECT_EQ(row(critical, {{"cell", 2}, {"unprotected_layer", "q_proj"}})["sdc"], 4);
}

TEST_F(ReportTest, BitPositionsAndSteps) {
  const auto report = json();
  const auto& bits = table(report, "bit_sdc");
  EXPECT_EQ(row(bits, {{"cell", 1}, {"bit", 30}})["n"], 20);
  EXPECT_EQ(row(bits, {{"cell", 1}, {"bit", 30}})["sdc"], 8);
  EXPECT_EQ(row(bits, {{"cell", 1}, {"bit", 3}})["n"], 13);
  EXPECT_EQ(row(bits, {{"cell", 1}, {"bit", 3}})["sdc"], 5);
  const auto step0 = row(table(report, "step_sdc"), {{"cell", 1}, {"step", 0}});
  EXPECT_EQ(step0["n"], 5);
  EXPECT_EQ(step0["sdc"], 2);
  const auto share = row(table(report, "first_token_site_share"), {{"cell", 1}});
  EXPECT_EQ(share["first_token"], 5);
  EXPECT_DOUBLE_EQ(share["share"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(share["sdc_rate_first"].get<double>(), 0.4);
}

TEST_F(ReportTest, FirstTokenShareOfGoldenGenerationTime) {
  // Pooled, not averaged over runs: none (0.05 + 0.45) / (1.0 + 3.0), ft2
  // (0.11 + 0.66) / (1.1 + 3.3).
  const auto report = json();
  const auto& time = table(report, "first_token_time_share");
  const auto none = row(time, {{"model", "m"}, {"dataset", "qa"}, {"protection", "none"}});
  EXPECT_EQ(none["runs"], 2);
  EXPECT_DOUBLE_EQ(none["mean_steps"].get<double>(), 20);
  EXPECT_NEAR(none["first_token_seconds"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(none["seconds"].get<double>(), 4.0, 1e-12);
  EXPECT_NEAR(none["share"].get<double>(), 0.125, 1e-12);
  EXPECT_NEAR(none["min_run_share"].get<double>(), 0.05, 1e-12);
  EXPECT_NEAR(none["max_run_share"].get<double>(), 0.15, 1e-12);
  EXPECT_NEAR(none["even_share"].get<double>(), 0.05, 1e-12);
  const auto ft2 = row(time, {{"protection", "ft2"}});
  EXPECT_NEAR(ft2["share"].get<double>(), 0.175, 1e-12);
  EXPECT_NEAR(ft2["max_run_share"].get<double>(), 0.2, 1e-12);
  // The choice golden runs have durations but no first-token time (NULL, 0).
  ASSERT_EQ(time["rows"].size(), 2u);
  for (const auto& r : time["rows"]) EXPECT_EQ(r["dataset"], "qa");
}

TEST_F(ReportTest, FirstTokenTimeNeedsSchemaVersion4) {
  // A database no coordinator of this build has opened lacks the view; the
  // read-only report says so instead of failing.
  store::Database(db_).exec("DROP VIEW first_token_time");
  ReportOptions options;
  options.by = ReportView::step;
  const auto report = json(options);
  const auto& time = table(report, "first_token_time_share");
  EXPECT_TRUE(time["rows"].empty());
  EXPECT_NE(time["notes"][0].get<std::string>().find("schema version 4"), std::string::npos) << time["notes"];
  for (const auto& t : json()["tables"]) EXPECT_NE(t["id"], "first_token_time_share");
}

TEST_F(ReportTest, WeightAccuracyRelativeChangeAwrclThreshold) {
  const auto report = json();
  const auto& accuracy = table(report, "weight_accuracy");
  const auto mid = row(accuracy, {{"cell", 4}});
  EXPECT_NEAR(mid["accuracy"].get<double>(), 0.4, 1e-12);
  EXPECT_NEAR(mid["baseline"].get<double>(), 0.8, 1e-12);
  EXPECT_NEAR(mid["relative_change"].get<double>(), 0.5, 1e-12);
  // Student t, 3 degrees of freedom: 0.4 -+ 3.182446 * sd / 2, sd = sqrt(0.02 / 3).
  const double half = 3.1824463052842638 * std::sqrt(0.02 / 3) / 2;
  EXPECT_NEAR(mid["acc_low"].get<double>(), 0.4 - half, 1e-9);
  EXPECT_NEAR(mid["acc_high"].get<double>(), 0.4 + half, 1e-9);
  EXPECT_NEAR(mid["rc_low"].get<double>(), (0.8 - (0.4 + half)) / 0.8, 1e-9);

  const auto s = row(table(report, "weight_sensitivity"), {{"selection", "component=attention"}});
  EXPECT_EQ(s["rates"], 3);
  EXPECT_NEAR(s["awrcl_by_probability"].get<double>(), (0.0625 + 0.5 + 0.8125) / 3, 1e-9);
  // Decades of faults: 3 (three trials, rc 0, 0, .125), 12 (rc .125), 300, 30000.
  EXPECT_NEAR(s["awrcl_by_count"].get<double>(), (0.125 / 3 + 0.125 + 0.5 + 0.8125) / 4, 1e-9);
  EXPECT_DOUBLE_EQ(s["threshold_rate"].get<double>(), 1e-4);
  EXPECT_DOUBLE_EQ(s["threshold_faults"].get<double>(), 300);
}

TEST_F(ReportTest, WeightNanMeasuredAndAnalytic) {
  // Cell 5 records no population: estimated from the faults drawn.
  const auto r = row(table(json(), "weight_nan"), {{"cell", 5}});
  EXPECT_EQ(r["outputs"], 40);
  EXPECT_EQ(r["non_finite"], 3);
  EXPECT_DOUBLE_EQ(r["nan_rate"].get<double>(), 3.0 / 40);
  const double parameters = 30000 / (0.01 * 32);
  EXPECT_DOUBLE_EQ(r["parameters"].get<double>(), parameters);
  EXPECT_DOUBLE_EQ(r["analytic_nan"].get<double>(), study_nan_probability(0.01, parameters, 8, 23));
  // With the population in the trials' sites: 3.2e6 bits / 32.
  const auto recorded = row(table(json(), "weight_nan"), {{"cell", 3}});
  EXPECT_DOUBLE_EQ(recorded["parameters"].get<double>(), 100000);
  EXPECT_DOUBLE_EQ(recorded["analytic_nan"].get<double>(), study_nan_probability(1e-6, 100000, 8, 23));
}

TEST_F(ReportTest, ByPicksOnePart) {
  ReportOptions options;
  options.by = ReportView::bit;
  const auto report = json(options);
  ASSERT_EQ(report["tables"].size(), 1u);
  EXPECT_EQ(report["tables"][0]["id"], "bit_sdc");
  options.by = ReportView::protection;
  EXPECT_EQ(json(options)["tables"].size(), 2u);
  options.by = ReportView::step;
  const auto steps = json(options);
  ASSERT_EQ(steps["tables"].size(), 3u);
  EXPECT_EQ(steps["tables"][0]["id"], "step_sdc");
  EXPECT_EQ(steps["tables"][1]["id"], "first_token_site_share");
  EXPECT_EQ(steps["tables"][2]["id"], "first_token_time_share");
}

TEST_F(ReportTest, TableFormatIsAligned) {
  ReportOptions options;
  options.by = ReportView::cell;
  const std::string text = report(options);
  EXPECT_NE(text.find("SDC rate per cell"), std::string::npos);
  // Every line of a table has the header's width at most, numbers right-aligned:
  // the header and rule lines have the same length.
  std::istringstream lines(text);
  std::string line, previous;
  bool found_rule = false;
  while (std::getline(lines, line)) {
    if (line.rfind("  --", 0) == 0) {
      EXPECT_EQ(line.size(), previous.size()) << previous;
      found_rule = true;
      break;
    }
    previous = line;
  }
  EXPECT_TRUE(found_rule);
  EXPECT_NE(text.find("fixture"), std::string::npos);
  EXPECT_NE(text.find("0.4"), std::string::npos);
}

TEST_F(ReportTest, CsvAndMarkdown) {
  ReportOptions options;
  options.by = ReportView::cell;
  options.format = ReportFormat::csv;
  const std::string csv = report(options);
  EXPECT_NE(csv.find("# cell_sdc: SDC rate per cell\n"), std::string::npos);
  EXPECT_NE(csv.find("cell,model,dataset,fault,targets,protection,planned,n,masked,sdc,due,sdc_rate,sdc_low,sdc_high"),
            std::string::npos);
  EXPECT_NE(csv.find("\n1,m,qa,single_bit,all,none,20,20,11,8,1,0.4,"), std::string::npos) << csv;
  options.format = ReportFormat::markdown;
  const std::string markdown = report(options);
  EXPECT_NE(markdown.find("## SDC rate per cell"), std::string::npos);
  EXPECT_NE(markdown.find("| 1 | m | qa | single_bit | all | none | 20 | 20 | 11 | 8 | 1 | 0.4 |"), std::string::npos)
      << markdown;
}

TEST_F(ReportTest, ClearErrorsForMissingOrForeignFiles) {
  try {
    std::ostringstream out;
    write_report((dir_ / "nope.db").string(), {}, out);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope.db: no such database file"), std::string::npos) << e.what();
  }
  const std::string text_file = (dir_ / "notes.txt").string();
  std::ofstream(text_file) << "not a database at all, just some text that is long enough to be a page\n";
  try {
    std::ostringstream out;
    write_report(text_file, {}, out);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a beamline database"), std::string::npos) << e.what();
  }
  const std::string other = (dir_ / "other.db").string();
  store::Database(other).exec("CREATE TABLE t (x)");
  std::ostringstream out;
  EXPECT_THROW(write_report(other, {}, out), Error);
  EXPECT_THROW(parse_report_format("html"), Error);
  EXPECT_THROW(parse_report_view("layers"), Error);
}

}  // namespace
}  // namespace beamline::report
