#pragma once
// The store's prepared statements, compiled once per connection (private to
// coordinator/store).
#include "coordinator/store/sqlite_db.h"

namespace beamline::store {

struct SqliteStatements {
  explicit SqliteStatements(Database& db);

  Statement insert_trial;
  Statement bump_cell_counts;
  Statement unit_by_id;
  Statement count_unit_trials;
  Statement finish_unit;
  Statement pending_units;
  Statement lease_unit;
  Statement extend_leases;
  Statement expired_units;
  Statement owned_units;
  Statement unlease_unit;
  Statement insert_event;
  Statement upsert_worker;
  Statement worker_gone;
  Statement insert_cell;
  Statement insert_unit;
  Statement select_cells;
  Statement cell_progress;
  Statement unit_counts;
};

}  // namespace beamline::store
