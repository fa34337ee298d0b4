#include "coordinator/report/report.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "common/error.h"
#include "coordinator/report/report_db.h"
#include "coordinator/report/report_render.h"
#include "coordinator/report/report_sections.h"
#include "coordinator/report/row_reader.h"

namespace beamline::report {
namespace {

constexpr std::array<std::pair<ReportFormat, const char*>, 4> kFormats{{{ReportFormat::table, "table"},
                                                                        {ReportFormat::csv, "csv"},
                                                                        {ReportFormat::json, "json"},
                                                                        {ReportFormat::markdown, "markdown"}}};
constexpr std::array<std::pair<ReportView, const char*>, 6> kViews{{{ReportView::cell, "cell"},
                                                                    {ReportView::layer, "layer"},
                                                                    {ReportView::bit, "bit"},
                                                                    {ReportView::step, "step"},
                                                                    {ReportView::protection, "protection"},
                                                                    {ReportView::weight, "weight"}}};

template <typename Enum, size_t N>
Enum parse_name(const std::array<std::pair<Enum, const char*>, N>& names, std::string_view name, const char* what) {
  std::string accepted;
  for (const auto& [value, text] : names) {
    if (name == text) return value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(text);
  }
  throw Error(fmt::format("{} must be one of {}, got '{}'", what, accepted, name));
}

template <typename Enum, size_t N>
std::string name_of(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
  for (const auto& [candidate, text] : names) {
    if (candidate == value) return text;
  }
  return "?";
}

void add_header(store::Database& db, const std::string& db_path, const ReportOptions& options, Report& report) {
  report.header.emplace_back("database", Value{db_path});
  store::Statement campaign(db, "SELECT name, seed, completed_ms FROM campaign WHERE id = 1");
  if (campaign.step()) {
    report.header.emplace_back("campaign", Value{campaign.column_text(0)});
    report.header.emplace_back("seed", Value{campaign.column_int64(1)});
    report.header.emplace_back("complete", Value{std::string(campaign.column_is_null(2) ? "no" : "yes")});
  }
  store::Statement totals(db, "SELECT count(*), coalesce(sum(planned_trials), 0), coalesce(sum(done_trials), 0) FROM cell");
  totals.step();
  report.header.emplace_back("cells", Value{totals.column_int64(0)});
  report.header.emplace_back("planned", Value{totals.column_int64(1)});
  report.header.emplace_back("done", Value{totals.column_int64(2)});
  report.header.emplace_back("interval", Value{interval_name(options)});
}

}  // namespace

ReportFormat parse_report_format(std::string_view name) { return parse_name(kFormats, name, "--format"); }
ReportView parse_report_view(std::string_view name) { return parse_name(kViews, name, "--by"); }
std::string to_string(ReportFormat format) { return name_of(kFormats, format); }
std::string to_string(ReportView view) { return name_of(kViews, view); }

bool selected(const ReportOptions& options, ReportView view) { return !options.by || *options.by == view; }

std::string interval_name(const ReportOptions& options) {
  return fmt::format("{:g}% {} interval", options.confidence * 100, stats::to_string(options.method));
}

void append_rate(std::vector<Value>& row, uint64_t k, uint64_t n, const ReportOptions& options) {
  if (n == 0) {
    row.insert(row.end(), {Value{}, Value{}, Value{}});
    return;
  }
  const stats::Interval interval = stats::binomial_interval(k, n, options.confidence, options.method);
  row.insert(row.end(), {Value{double(k) / double(n)}, Value{interval.low}, Value{interval.high}});
}

void write_report(const std::string& db_path, const ReportOptions& options, std::ostream& out) {
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw Error(fmt::format("--confidence must be in (0, 1), got {}", options.confidence));
  }
  auto db = open_report_database(db_path);
  Report report;
  add_header(*db, db_path, options, report);
  add_transient_tables(*db, options, report);
  add_weight_tables(*db, options, report);
  // A full report leaves out what the campaign has no data for (a synthetic
  // campaign has no layers, a transient one no weights); a part asked for
  // with --by is shown even when empty, so the answer is visible.
  if (!options.by) {
    report.tables.erase(std::remove_if(report.tables.begin(), report.tables.end(),
                                       [](const Table& table) { return table.rows.empty(); }),
                        report.tables.end());
  }
  render_report(report, options.format, out);
}

}  // namespace beamline::report
