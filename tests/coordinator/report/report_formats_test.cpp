// Every table of `beamline report` on the fixture database
// (report_fixture.h), one known row each, checked cell by cell in every
// format: json (numbers as numbers), csv, markdown and table (read back by
// report_text_parser.h). The expected values are worked out from the
// fixture's counts here, not read from the report's code.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "common/stats/interval.h"
#include "coordinator/report/report.h"
#include "coordinator/report/weight_metrics.h"
#include "coordinator/store/sqlite_db.h"
#include "tests/coordinator/report/report_fixture.h"
#include "tests/coordinator/report/report_text_parser.h"

namespace beamline::report {
namespace {

using Expected = std::variant<int64_t, double, std::string>;
using Field = std::pair<std::string, Expected>;

// One row of one table: the first `keys` fields find the row, every field
// is then compared.
struct ExpectedRow {
  std::string table;
  size_t keys;
  std::vector<Field> fields;
};

std::vector<Field> wilson(const std::string& low, const std::string& high, uint64_t k, uint64_t n) {
  const auto interval = stats::wilson_interval(k, n);
  return {{low, interval.low}, {high, interval.high}};
}

// Appends fields to a row's list.
std::vector<Field> operator+(std::vector<Field> a, const std::vector<Field>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<Field> kTransientCell2{{"cell", int64_t{2}}, {"model", std::string("m")}, {"dataset", std::string("qa")},
                                         {"fault", std::string("single_bit")}, {"targets", std::string("all")},
                                         {"protection", std::string("ft2")}};
const std::vector<Field> kTransientCell1{{"cell", int64_t{1}}, {"model", std::string("m")}, {"dataset", std::string("qa")},
                                         {"fault", std::string("single_bit")}, {"targets", std::string("all")},
                                         {"protection", std::string("none")}};

std::vector<Field> weight_cell(int64_t id, double rate) {
  return {{"cell", id},
          {"model", std::string("m")},
          {"dataset", std::string("choice")},
          {"fault", std::string("bit_error_rate")},
          {"selection", std::string("component=attention")},
          {"protection", std::string("none")},
          {"rate", rate}};
}

std::vector<ExpectedRow> expected_rows() {
  // Cell 4's accuracies .5 .4 .3 .4: mean .4, sd sqrt(.02 / 3), Student t with 3 degrees of freedom.
  const double half = 3.1824463052842638 * std::sqrt(0.02 / 3) / 2;
  const double parameters = std::round(30000 / (0.01 * 32));
  return {
      {"cell_sdc", 1,
       kTransientCell2 + std::vector<Field>{{"planned", int64_t{20}}, {"n", int64_t{20}}, {"masked", int64_t{17}},
                                            {"sdc", int64_t{2}}, {"due", int64_t{1}}, {"sdc_rate", 0.1}} +
           wilson("sdc_low", "sdc_high", 2, 20) + std::vector<Field>{{"due_rate", 0.05}} +
           wilson("due_low", "due_high", 1, 20)},
      {"protection_reduction", 1,
       kTransientCell2 + std::vector<Field>{{"pairs", int64_t{20}}, {"sdc_none", int64_t{8}}, {"none_rate", 0.4}} +
           wilson("none_low", "none_high", 8, 20) +
           std::vector<Field>{{"sdc_protected", int64_t{2}}, {"protected_rate", 0.1}} +
           wilson("protected_low", "protected_high", 2, 20) +
           std::vector<Field>{{"sdc_reduction", 0.75}, {"only_none_sdc", int64_t{6}},
                              {"only_protected_sdc", int64_t{0}}, {"mcnemar_p", 2.0 / 64}}},
      {"protection_overhead", 3,
       {{"model", std::string("m")}, {"dataset", std::string("qa")}, {"protection", std::string("ft2")},
        {"inputs", int64_t{2}}, {"none_seconds", 2.0}, {"protected_seconds", 2.2}, {"overhead", 0.1}}},
      {"layer_sdc", 7,
       kTransientCell1 + std::vector<Field>{{"layer", std::string("v_proj")}, {"n", int64_t{10}}, {"sdc", int64_t{4}},
                                            {"sdc_rate", 0.4}} +
           wilson("sdc_low", "sdc_high", 4, 10)},
      {"block_sdc", 8,
       kTransientCell2 + std::vector<Field>{{"block", int64_t{1}}, {"layer", std::string("q_proj")},
                                            {"n", int64_t{10}}, {"sdc", int64_t{2}}, {"sdc_rate", 0.2}} +
           wilson("sdc_low", "sdc_high", 2, 10)},
      {"layer_criticality", 7,
       kTransientCell2 + std::vector<Field>{{"unprotected_layer", std::string("q_proj")}, {"n", int64_t{20}},
                                            {"sdc", int64_t{4}}, {"sdc_rate", 0.2}} +
           wilson("sdc_low", "sdc_high", 4, 20) + std::vector<Field>{{"all_protected_rate", 0.1}}},
      {"bit_sdc", 7,
       kTransientCell1 + std::vector<Field>{{"bit", int64_t{3}}, {"n", int64_t{13}}, {"sdc", int64_t{5}},
                                            {"sdc_rate", 5.0 / 13}} +
           wilson("sdc_low", "sdc_high", 5, 13)},
      {"step_sdc", 7,
       kTransientCell2 + std::vector<Field>{{"step", int64_t{1}}, {"n", int64_t{5}}, {"sdc", int64_t{1}},
                                            {"sdc_rate", 0.2}} +
           wilson("sdc_low", "sdc_high", 1, 5)},
      {"first_token_site_share", 1,
       kTransientCell1 + std::vector<Field>{{"n", int64_t{20}}, {"first_token", int64_t{5}}, {"share", 0.25}} +
           wilson("share_low", "share_high", 5, 20) +
           std::vector<Field>{{"sdc_first", int64_t{2}}, {"sdc_rate_first", 0.4}, {"sdc_later", int64_t{6}},
                              {"sdc_rate_later", 0.4}}},
      {"first_token_time_share", 3,
       {{"model", std::string("m")}, {"dataset", std::string("qa")}, {"protection", std::string("ft2")},
        {"runs", int64_t{2}}, {"mean_steps", 20.0}, {"first_token_seconds", 0.77}, {"seconds", 4.4}, {"share", 0.175},
        {"min_run_share", 0.1}, {"max_run_share", 0.2}, {"even_share", 0.05}}},
      {"weight_accuracy", 1,
       weight_cell(4, 1e-4) + std::vector<Field>{{"trials", int64_t{4}},
                                                 {"accuracy", 0.4},
                                                 {"acc_low", 0.4 - half},
                                                 {"acc_high", 0.4 + half},
                                                 {"baseline", 0.8},
                                                 {"relative_change", 0.5},
                                                 {"rc_low", (0.8 - (0.4 + half)) / 0.8},
                                                 {"rc_high", (0.8 - (0.4 - half)) / 0.8},
                                                 {"mean_faults", 300.0}}},
      {"weight_sensitivity", 5,
       {{"model", std::string("m")}, {"dataset", std::string("choice")}, {"fault", std::string("bit_error_rate")},
        {"selection", std::string("component=attention")}, {"protection", std::string("none")}, {"baseline", 0.8},
        {"rates", int64_t{3}}, {"awrcl_by_probability", (0.0625 + 0.5 + 0.8125) / 3},
        {"awrcl_by_count", (0.125 / 3 + 0.125 + 0.5 + 0.8125) / 4}, {"threshold_rate", 1e-4},
        {"threshold_faults", 300.0}}},
      {"weight_nan", 1,
       weight_cell(5, 0.01) + std::vector<Field>{{"outputs", int64_t{40}}, {"non_finite", int64_t{3}},
                                                 {"nan_rate", 0.075}} +
           wilson("nan_low", "nan_high", 3, 40) +
           std::vector<Field>{{"parameters", parameters},
                              {"analytic_nan", study_nan_probability(0.01, parameters, 8, 23)}}},
  };
}

// An expected value as the text formats print it: docs/report.md's rule of
// doubles with 4 significant digits.
std::string as_text(const Expected& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return fmt::format("{:.4g}", *d);
  return std::get<std::string>(value);
}

bool json_equals(const nlohmann::json& actual, const Expected& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return actual.is_number_integer() && actual.get<int64_t>() == *i;
  if (const auto* d = std::get_if<double>(&value)) {
    return actual.is_number() && std::abs(actual.get<double>() - *d) <= 1e-9 * std::max(1.0, std::abs(*d));
  }
  return actual.is_string() && actual.get<std::string>() == std::get<std::string>(value);
}

class ReportFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-formats-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_ = (dir_ / "results.db").string();
    testing::build_report_fixture(db_);
    const auto json = nlohmann::json::parse(report(ReportFormat::json));
    for (const auto& table : json["tables"]) {
      titles_[table["id"].get<std::string>()] = table["title"].get<std::string>();
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string report(ReportFormat format) {
    ReportOptions options;
    options.format = format;
    std::ostringstream out;
    write_report(db_, options, out);
    return out.str();
  }

  // Checks each expected row against tables read back from a text format.
  void check_text(const std::map<std::string, testing::ParsedTable>& tables, bool keyed_by_id) {
    for (const auto& expected : expected_rows()) {
      SCOPED_TRACE(expected.table);
      const std::string key = keyed_by_id ? expected.table : titles_[expected.table];
      const auto found = tables.find(key);
      ASSERT_NE(found, tables.end()) << "no table '" << key << "'";
      const auto& table = found->second;
      std::vector<size_t> columns;
      for (const auto& [name, value] : expected.fields) {
        const auto at = std::find(table.columns.begin(), table.columns.end(), name);
        ASSERT_NE(at, table.columns.end()) << "no column " << name;
        columns.push_back(static_cast<size_t>(at - table.columns.begin()));
      }
      const std::vector<std::string>* match = nullptr;
      for (const auto& row : table.rows) {
        bool same = row.size() == table.columns.size();
        for (size_t k = 0; same && k < expected.keys; ++k) same = row[columns[k]] == as_text(expected.fields[k].second);
        if (same) match = &row;
      }
      ASSERT_NE(match, nullptr) << "no row with the expected key";
      for (size_t f = 0; f < expected.fields.size(); ++f) {
        EXPECT_EQ((*match)[columns[f]], as_text(expected.fields[f].second)) << expected.fields[f].first;
      }
    }
  }

  std::filesystem::path dir_;
  std::string db_;
  std::map<std::string, std::string> titles_;
};

TEST_F(ReportFormatsTest, EveryTableIsInTheFullReport) {
  for (const auto& expected : expected_rows()) EXPECT_EQ(titles_.count(expected.table), 1u) << expected.table;
  EXPECT_EQ(titles_.size(), expected_rows().size()) << "a table without an expected row";
}

TEST_F(ReportFormatsTest, JsonHasEveryTablesNumbers) {
  const auto json = nlohmann::json::parse(report(ReportFormat::json));
  for (const auto& expected : expected_rows()) {
    SCOPED_TRACE(expected.table);
    const nlohmann::json* table = nullptr;
    for (const auto& t : json["tables"]) {
      if (t["id"] == expected.table) table = &t;
    }
    ASSERT_NE(table, nullptr);
    const nlohmann::json* match = nullptr;
    for (const auto& row : (*table)["rows"]) {
      bool same = true;
      for (size_t k = 0; same && k < expected.keys; ++k) {
        same = json_equals(row[expected.fields[k].first], expected.fields[k].second);
      }
      if (same) match = &row;
    }
    ASSERT_NE(match, nullptr) << "no row with the expected key";
    for (const auto& [name, value] : expected.fields) {
      EXPECT_TRUE(json_equals((*match)[name], value)) << name << ": " << (*match)[name] << " against " << as_text(value);
    }
  }
}

TEST_F(ReportFormatsTest, CsvHasEveryTablesNumbers) {
  check_text(testing::parse_csv_report(report(ReportFormat::csv)), true);
}

TEST_F(ReportFormatsTest, MarkdownHasEveryTablesNumbers) {
  check_text(testing::parse_markdown_report(report(ReportFormat::markdown)), false);
}

TEST_F(ReportFormatsTest, TableHasEveryTablesNumbers) {
  check_text(testing::parse_text_report(report(ReportFormat::table)), false);
}

TEST_F(ReportFormatsTest, MissingValuesAreDashEmptyOrNull) {
  // Without golden runs for the choice set, the weight cells have no
  // baseline: null in json, "-" in markdown and table, empty in csv.
  store::Database(db_).exec("DELETE FROM golden WHERE input_id >= 10");
  const auto json = nlohmann::json::parse(report(ReportFormat::json));
  for (const auto& t : json["tables"]) {
    if (t["id"] == "weight_accuracy") {
      EXPECT_TRUE(t["rows"][0]["baseline"].is_null());
    }
  }
  const std::string title = titles_["weight_accuracy"];
  auto baseline = [](const testing::ParsedTable& table) {
    const auto at = std::find(table.columns.begin(), table.columns.end(), "baseline");
    return table.rows.at(0).at(static_cast<size_t>(at - table.columns.begin()));
  };
  EXPECT_EQ(baseline(testing::parse_csv_report(report(ReportFormat::csv)).at("weight_accuracy")), "");
  EXPECT_EQ(baseline(testing::parse_markdown_report(report(ReportFormat::markdown)).at(title)), "-");
  EXPECT_EQ(baseline(testing::parse_text_report(report(ReportFormat::table)).at(title)), "-");
}

}  // namespace
}  // namespace beamline::report
