#include "coordinator/store/sqlite_statements.h"

namespace beamline::store {

SqliteStatements::SqliteStatements(Database& db)
    : insert_trial(db,
                   "INSERT INTO trial (cell_id, trial_index, input_index, outcome, site, corrections,"
                   " first_divergence_step, duration_seconds, worker_id, unit_id, accuracy, non_finite, fault_count,"
                   " recorded_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                   " ON CONFLICT (cell_id, trial_index) DO NOTHING"),
      bump_cell_counts(db,
                       "UPDATE cell SET done_trials = done_trials + ?, sdc_trials = sdc_trials + ?,"
                       " due_trials = due_trials + ? WHERE id = ?"),
      unit_by_id(db, "SELECT cell_id, trial_begin, trial_end, state FROM unit WHERE id = ?"),
      count_unit_trials(db, "SELECT count(*) FROM trial WHERE cell_id = ? AND trial_index >= ? AND trial_index < ?"),
      finish_unit(db, "UPDATE unit SET state = 'done', lease_owner = NULL, lease_deadline_ms = NULL WHERE id = ?"),
      pending_units(db,
                    "SELECT id, cell_id, input_index, trial_begin, trial_end, issue_count FROM unit"
                    " WHERE state = 'pending' ORDER BY id LIMIT ?"),
      lease_unit(db,
                 "UPDATE unit SET state = 'leased', lease_owner = ?, lease_deadline_ms = ?,"
                 " issue_count = issue_count + 1 WHERE id = ?"),
      extend_leases(db, "UPDATE unit SET lease_deadline_ms = ? WHERE state = 'leased' AND lease_owner = ?"),
      expired_units(db, "SELECT id, lease_owner FROM unit WHERE state = 'leased' AND lease_deadline_ms < ? ORDER BY id"),
      owned_units(db, "SELECT id, lease_owner FROM unit WHERE state = 'leased' AND lease_owner = ? ORDER BY id"),
      unlease_unit(db,
                   "UPDATE unit SET state = 'pending', lease_owner = NULL, lease_deadline_ms = NULL"
                   " WHERE id = ? AND state = 'leased'"),
      insert_event(db, "INSERT INTO event (at_ms, kind, worker_id, unit_id, detail) VALUES (?, ?, ?, ?, ?)"),
      upsert_worker(db,
                    "INSERT INTO worker (id, device, capacity, hostname, pid, protocol_version, build, first_seen_ms,"
                    " last_seen_ms, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 'alive')"
                    " ON CONFLICT (id) DO UPDATE SET device = excluded.device, capacity = excluded.capacity,"
                    " hostname = excluded.hostname, pid = excluded.pid, protocol_version = excluded.protocol_version,"
                    " build = excluded.build, last_seen_ms = excluded.last_seen_ms, state = 'alive'"),
      worker_gone(db, "UPDATE worker SET state = 'gone', last_seen_ms = ? WHERE id = ?"),
      insert_cell(db,
                  "INSERT INTO cell (key, site_key, definition, kind, model, dataset, fault_model, sampling, targets,"
                  " selection, rate, protection, protection_kind, planned_trials)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      insert_unit(db, "INSERT INTO unit (cell_id, input_index, trial_begin, trial_end) VALUES (?, ?, ?, ?)"),
      select_cells(db, "SELECT id, key, site_key, definition, planned_trials, state FROM cell ORDER BY id"),
      cell_progress(db,
                    "SELECT id, key, planned_trials, done_trials, sdc_trials, due_trials, state FROM cell ORDER BY id"),
      unit_counts(db, "SELECT state, count(*) FROM unit GROUP BY state") {}

}  // namespace beamline::store
