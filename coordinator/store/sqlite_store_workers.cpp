// SqliteStore: what the coordinator daemon adds on top of leases and
// results -- heartbeat bookkeeping, releasing chosen units, golden runs.
// These run rarely (throttled heartbeats, reconnects, the first batch of a
// unit that computed a golden run), so their statements are compiled per
// call rather than kept in SqliteStatements.
#include <fmt/core.h>

#include "coordinator/store/sqlite_statements.h"
#include "coordinator/store/sqlite_store.h"

namespace beamline::store {

void SqliteStore::touch_worker(const std::string& worker_id, TimeMs now) {
  Statement update(db_, "UPDATE worker SET last_seen_ms = ?, state = 'alive' WHERE id = ?");
  update.bind(1, now).bind(2, std::string_view(worker_id)).run();
}

std::vector<int64_t> SqliteStore::leased_unit_ids(const std::string& worker_id) {
  std::vector<int64_t> ids;
  auto& query = sql_->owned_units;
  query.bind(1, std::string_view(worker_id));
  while (query.step()) ids.push_back(query.column_int64(0));
  query.reset();
  return ids;
}

size_t SqliteStore::extend_unit_leases(const std::string& worker_id, const std::vector<int64_t>& unit_ids,
                                       TimeMs deadline) {
  if (unit_ids.empty()) return 0;
  size_t extended = 0;
  Transaction transaction(db_);
  Statement extend(db_,
                   "UPDATE unit SET lease_deadline_ms = max(lease_deadline_ms, ?)"
                   " WHERE id = ? AND state = 'leased' AND lease_owner = ?");
  for (const int64_t id : unit_ids) {
    extend.bind(1, deadline).bind(2, id).bind(3, std::string_view(worker_id)).run();
    extended += static_cast<size_t>(db_.changes());
  }
  transaction.commit();
  return extended;
}

std::vector<int64_t> SqliteStore::release_units(const std::string& worker_id, const std::vector<int64_t>& unit_ids,
                                                const std::string& event, TimeMs now) {
  std::vector<int64_t> released;
  if (unit_ids.empty()) return released;
  Transaction transaction(db_);
  Statement release(db_,
                    "UPDATE unit SET state = 'pending', lease_owner = NULL, lease_deadline_ms = NULL"
                    " WHERE id = ? AND state = 'leased' AND lease_owner = ?");
  for (const int64_t id : unit_ids) {
    release.bind(1, id).bind(2, std::string_view(worker_id)).run();
    if (db_.changes() == 0) continue;
    record_event(event, worker_id, id, "", now);
    released.push_back(id);
  }
  transaction.commit();
  return released;
}

// The input row is shared by every protection of the input; its source row
// and prompt digest are filled in by the first golden run that knows them.
void SqliteStore::record_golden(const std::string& worker_id, const GoldenRecord& golden, TimeMs now) {
  Statement input(db_,
                  "INSERT INTO input (model, dataset, input_index, source_row, prompt_digest) VALUES (?, ?, ?, ?, ?)"
                  " ON CONFLICT (model, dataset, input_index) DO UPDATE SET"
                  " source_row = coalesce(input.source_row, excluded.source_row),"
                  " prompt_digest = coalesce(input.prompt_digest, excluded.prompt_digest)");
  input.bind(1, std::string_view(golden.model))
      .bind(2, std::string_view(golden.dataset))
      .bind(3, golden.input_index)
      .bind(4, golden.source_row)
      .bind(5, golden.prompt_digest.empty() ? std::nullopt : std::optional<std::string_view>(golden.prompt_digest))
      .run();
  Statement id(db_, "SELECT id FROM input WHERE model = ? AND dataset = ? AND input_index = ?");
  id.bind(1, std::string_view(golden.model)).bind(2, std::string_view(golden.dataset)).bind(3, golden.input_index);
  if (!id.step()) return;
  const int64_t input_id = id.column_int64(0);
  Statement insert(db_,
                   "INSERT INTO golden (input_id, protection, output_text, output_tokens, correct, steps,"
                   " duration_seconds, worker_id, recorded_ms, first_token_seconds)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                   " ON CONFLICT (input_id, protection) DO NOTHING");
  insert.bind(1, input_id)
      .bind(2, std::string_view(golden.protection))
      .bind(3, std::string_view(golden.output_text))
      .bind(4, std::string_view(golden.output_tokens))
      .bind(5, int64_t{golden.correct ? 1 : 0})
      .bind(6, golden.steps)
      .bind(7, golden.duration_seconds)
      .bind(8, std::string_view(worker_id))
      .bind(9, now)
      .bind(10, golden.first_token_seconds)
      .run();
}

}  // namespace beamline::store
