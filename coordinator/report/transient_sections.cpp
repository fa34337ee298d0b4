// Transient-fault tables (the FT2 study's views). Counts come from the SQL
// views; intervals are computed here, at the confidence and with the method
// the options name (the views' own bounds are the 95% Wilson ones).
#include <fmt/core.h>

#include <string>
#include <vector>

#include "common/stats/mcnemar.h"
#include "coordinator/report/report_sections.h"
#include "coordinator/report/row_reader.h"

namespace beamline::report {
namespace {

// The columns that say which cell a row belongs to.
const char* const kCellColumns = "c.id, c.model, c.dataset, c.fault_model, coalesce(c.targets, ''), c.protection";
const std::vector<std::string> kCellNames{"cell", "model", "dataset", "fault", "targets", "protection"};
const char* const kCellKinds = "isssss";

std::vector<std::string> names(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

void add_cell_table(store::Database& db, const ReportOptions& options, Report& report) {
  Table table{"cell_sdc", "SDC rate per cell", names(kCellNames, {"planned", "n", "masked", "sdc", "due", "sdc_rate",
                                                                 "sdc_low", "sdc_high", "due_rate", "due_low", "due_high"}),
              {}, {}};
  store::Statement query(db, fmt::format("SELECT {}, c.planned_trials, c.done_trials, c.sdc_trials, c.due_trials "
                                         "FROM cell c WHERE c.kind = 'transient' ORDER BY c.id",
                                         kCellColumns));
  while (query.step()) {
    auto row = read_row(query, kCellKinds);
    const uint64_t n = column_count(query, 7), sdc = column_count(query, 8), due = column_count(query, 9);
    row.insert(row.end(), {Value{column_int(query, 6)}, Value{int64_t(n)}, Value{int64_t(n - sdc - due)},
                           Value{int64_t(sdc)}, Value{int64_t(due)}});
    append_rate(row, sdc, n, options);
    append_rate(row, due, n, options);
    table.rows.push_back(std::move(row));
  }
  table.notes = {"n: trials done; masked = masked_identical + masked_correct; sdc_low/sdc_high: " +
                 interval_name(options) + " of sdc_rate (due likewise)."};
  report.tables.push_back(std::move(table));
}

// Rows of a *_counts view (cell_id, group columns..., n, sdc) as rate rows.
void add_group_table(store::Database& db, const ReportOptions& options, Report& report, Table table,
                     const std::string& group_sql, const char* group_kinds, const std::string& from) {
  const size_t groups = std::string(group_kinds).size();
  store::Statement query(db, fmt::format("SELECT {}, {}, g.n, g.sdc FROM {} g JOIN cell c ON c.id = g.cell_id "
                                         "ORDER BY c.id, {}",
                                         kCellColumns, group_sql, from, group_sql));
  while (query.step()) {
    auto row = read_row(query, std::string(kCellKinds) + group_kinds);
    const uint64_t n = column_count(query, static_cast<int>(6 + groups));
    const uint64_t sdc = column_count(query, static_cast<int>(7 + groups));
    row.insert(row.end(), {Value{int64_t(n)}, Value{int64_t(sdc)}});
    append_rate(row, sdc, n, options);
    table.rows.push_back(std::move(row));
  }
  report.tables.push_back(std::move(table));
}

void add_layer_tables(store::Database& db, const ReportOptions& options, Report& report) {
  const std::vector<std::string> rate{"n", "sdc", "sdc_rate", "sdc_low", "sdc_high"};
  add_group_table(db, options, report,
                  {"layer_sdc", "SDC rate per layer kind (faults that landed in it)",
                   names(names(kCellNames, {"layer"}), rate), {}, {"n: trials whose site is in the layer kind."}},
                  "g.layer", "s", "layer_counts");
  add_group_table(db, options, report,
                  {"block_sdc", "SDC rate per block and layer kind", names(names(kCellNames, {"block", "layer"}), rate),
                   {}, {}},
                  "g.block, g.layer", "is", "block_counts");

  Table table{"layer_criticality", "Layer criticality: SDC rate with one layer kind left unprotected",
              names(kCellNames, {"unprotected_layer", "n", "sdc", "sdc_rate", "sdc_low", "sdc_high",
                                 "all_protected_rate"}),
              {}, {}};
  store::Statement query(db, fmt::format("SELECT {}, g.unprotected_layer, g.n, g.sdc, g.sdc_all_protected "
                                         "FROM layer_criticality g JOIN cell c ON c.id = g.cell_id "
                                         "ORDER BY c.id, g.unprotected_layer",
                                         kCellColumns));
  while (query.step()) {
    auto row = read_row(query, std::string(kCellKinds) + "s");
    const uint64_t n = column_count(query, 7), sdc = column_count(query, 8);
    const uint64_t all = column_count(query, 9);
    row.insert(row.end(), {Value{int64_t(n)}, Value{int64_t(sdc)}});
    append_rate(row, sdc, n, options);
    row.push_back(n ? Value{double(all) / double(n)} : Value{});
    table.rows.push_back(std::move(row));
  }
  table.notes = {
      "Paired estimate (FT2 study, Figure 6): trials whose fault landed in unprotected_layer take the outcome of",
      "the `none` cell on the same site, all others the protected outcome. A layer kind whose rate stays well",
      "above all_protected_rate is critical."};
  report.tables.push_back(std::move(table));
}

void add_step_tables(store::Database& db, const ReportOptions& options, Report& report) {
  add_group_table(db, options, report,
                  {"step_sdc", "SDC rate per generation step (0: the prefill that yields the first token)",
                   names(kCellNames, {"step", "n", "sdc", "sdc_rate", "sdc_low", "sdc_high"}), {}, {}},
                  "g.step", "i", "step_counts");

  // The share of fault *sites* at step 0 (a share of the computation); the
  // share of *time* is first_token_time_share (first_token_time.cpp).
  Table table{"first_token_site_share",
              "First-token share of fault sites: faults that landed while the first token was generated",
              names(kCellNames, {"n", "first_token", "share", "share_low", "share_high", "sdc_first", "sdc_rate_first",
                                 "sdc_later", "sdc_rate_later"}),
              {}, {}};
  store::Statement query(db, fmt::format("SELECT {}, sum(g.n), sum(CASE WHEN g.step = 0 THEN g.n ELSE 0 END), "
                                         "sum(CASE WHEN g.step = 0 THEN g.sdc ELSE 0 END), "
                                         "sum(CASE WHEN g.step > 0 THEN g.sdc ELSE 0 END) "
                                         "FROM step_counts g JOIN cell c ON c.id = g.cell_id GROUP BY c.id ORDER BY c.id",
                                         kCellColumns));
  while (query.step()) {
    auto row = read_row(query, kCellKinds);
    const uint64_t n = column_count(query, 6), first = column_count(query, 7);
    const uint64_t sdc_first = column_count(query, 8), sdc_later = column_count(query, 9);
    row.insert(row.end(), {Value{int64_t(n)}, Value{int64_t(first)}});
    append_rate(row, first, n, options);
    row.push_back(Value{int64_t(sdc_first)});
    row.push_back(first ? Value{double(sdc_first) / double(first)} : Value{});
    row.push_back(Value{int64_t(sdc_later)});
    row.push_back(n > first ? Value{double(sdc_later) / double(n - first)} : Value{});
    table.rows.push_back(std::move(row));
  }
  table.notes = {"share: trials whose fault site is at step 0 / n. With sampling = compute every computed element is",
                 "equally likely to be hit, so this is the first token's share of the computation, not of time (that",
                 "is first_token_time_share); sdc_rate_first/later: SDC rates of faults in the first token / later."};
  report.tables.push_back(std::move(table));
  add_first_token_time_table(db, report);
}

void add_bit_table(store::Database& db, const ReportOptions& options, Report& report) {
  add_group_table(db, options, report,
                  {"bit_sdc", "SDC rate per flipped bit position (bit 0: lowest mantissa bit)",
                   names(kCellNames, {"bit", "n", "sdc", "sdc_rate", "sdc_low", "sdc_high"}), {},
                   {"A double-bit trial counts once for each of its bits."}},
                  "g.bit", "i", "bit_counts");
}

void add_protection_tables(store::Database& db, const ReportOptions& options, Report& report) {
  Table table{"protection_reduction", "SDC reduction per protection (paired with `none` on the same sites)",
              names(kCellNames, {"pairs", "sdc_none", "none_rate", "none_low", "none_high", "sdc_protected",
                                 "protected_rate", "protected_low", "protected_high", "sdc_reduction", "only_none_sdc",
                                 "only_protected_sdc", "mcnemar_p"}),
              {}, {}};
  store::Statement query(db, fmt::format("SELECT {}, g.pairs, g.sdc_none, g.sdc_protected, g.only_none_sdc, "
                                         "g.only_protected_sdc FROM protection_comparison g "
                                         "JOIN cell c ON c.id = g.cell_id WHERE c.kind = 'transient' ORDER BY c.id",
                                         kCellColumns));
  while (query.step()) {
    auto row = read_row(query, kCellKinds);
    const uint64_t pairs = column_count(query, 6), none = column_count(query, 7);
    const uint64_t protected_sdc = column_count(query, 8);
    const uint64_t only_none = column_count(query, 9), only_protected = column_count(query, 10);
    row.push_back(Value{int64_t(pairs)});
    row.push_back(Value{int64_t(none)});
    append_rate(row, none, pairs, options);
    row.push_back(Value{int64_t(protected_sdc)});
    append_rate(row, protected_sdc, pairs, options);
    row.push_back(none ? Value{1.0 - double(protected_sdc) / double(none)} : Value{});
    row.insert(row.end(), {Value{int64_t(only_none)}, Value{int64_t(only_protected)},
                           Value{stats::mcnemar_exact_p_value(only_none, only_protected)}});
    table.rows.push_back(std::move(row));
  }
  table.notes = {"sdc_reduction = 1 - sdc_protected / sdc_none over the paired trials (same trial index, same site).",
                 "mcnemar_p: exact McNemar test on the discordant pairs only_none_sdc and only_protected_sdc."};
  report.tables.push_back(std::move(table));

  Table overhead{"protection_overhead", "Protection overhead: fault-free (golden) run time, protected against none",
                 {"model", "dataset", "protection", "inputs", "none_seconds", "protected_seconds", "overhead"},
                 {}, {"overhead = mean protected duration / mean unprotected duration - 1, over inputs with both runs."}};
  store::Statement times(db, "SELECT model, dataset, protection, inputs, none_seconds, protected_seconds, overhead "
                             "FROM protection_overhead ORDER BY model, dataset, protection");
  while (times.step()) overhead.rows.push_back(read_row(times, "sssiddd"));
  report.tables.push_back(std::move(overhead));
}

bool has_transient_cells(store::Database& db) {
  store::Statement query(db, "SELECT count(*) FROM cell WHERE kind = 'transient'");
  query.step();
  return query.column_int64(0) > 0;
}

}  // namespace

void add_transient_tables(store::Database& db, const ReportOptions& options, Report& report) {
  if (!has_transient_cells(db)) return;
  if (selected(options, ReportView::cell)) add_cell_table(db, options, report);
  if (selected(options, ReportView::protection)) add_protection_tables(db, options, report);
  if (selected(options, ReportView::layer)) add_layer_tables(db, options, report);
  if (selected(options, ReportView::bit)) add_bit_table(db, options, report);
  if (selected(options, ReportView::step)) add_step_tables(db, options, report);
}

}  // namespace beamline::report
