// The first token's share of fault-free generation time (the FT2 study's
// Figure 10), from the first_token_time view (schema version 4). It sits
// beside first_token_site_share (transient_sections.cpp), the share of
// fault sites at step 0: that one measures computation, this one time.
#include "coordinator/report/report_sections.h"
#include "coordinator/report/row_reader.h"

namespace beamline::report {
namespace {

// A database last opened by an older coordinator has no view (reports
// never migrate: they open read-only).
bool has_view(store::Database& db, const char* name) {
  store::Statement query(db, "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = ?");
  query.bind(1, std::string_view(name));
  query.step();
  return query.column_int64(0) > 0;
}

}  // namespace

void add_first_token_time_table(store::Database& db, Report& report) {
  Table table{"first_token_time_share", "First-token share of generation time (fault-free golden runs)",
              {"model", "dataset", "protection", "runs", "mean_steps", "first_token_seconds", "seconds", "share",
               "min_run_share", "max_run_share", "even_share"},
              {}, {}};
  if (!has_view(db, "first_token_time")) {
    table.notes = {"The database predates schema version 4 (first_token_time); open it once with this build's "
                   "`beamline coordinator` to migrate it."};
    report.tables.push_back(std::move(table));
    return;
  }
  store::Statement query(db,
                         "SELECT model, dataset, protection, runs, mean_steps, first_token_seconds, seconds, "
                         "first_token_share, min_run_share, max_run_share, even_share FROM first_token_time "
                         "ORDER BY model, dataset, protection");
  while (query.step()) table.rows.push_back(read_row(query, "sssiddddddd"));
  table.notes = {
      "share = sum of first_token_seconds / sum of seconds over the golden runs (prefill and first token against the",
      "whole generation; FT2 study, Figure 10): the chance that a fault striking at a random moment of an inference",
      "lands in its first token. min/max_run_share: the range over single runs. even_share = runs / sum of steps, the",
      "share if every step took as long. Runs without a recorded first-token time are left out."};
  report.tables.push_back(std::move(table));
}

}  // namespace beamline::report
