// SqliteStore: leases. A unit is pending, leased to one worker until a
// deadline, done, or cancelled. Expiry and release put a leased unit back to
// pending; it is then reissued by the next lease_units (issue_count grows).
#include <fmt/core.h>

#include "coordinator/store/sqlite_statements.h"
#include "coordinator/store/sqlite_store.h"

namespace beamline::store {

std::vector<LeasedUnit> SqliteStore::lease_units(const std::string& worker_id, size_t max_units, TimeMs deadline,
                                                 TimeMs now) {
  std::vector<LeasedUnit> leased;
  if (max_units == 0) return leased;
  Transaction transaction(db_);
  auto& pending = sql_->pending_units;
  pending.bind(1, static_cast<int64_t>(max_units));
  while (pending.step()) {
    LeasedUnit unit;
    unit.id = pending.column_int64(0);
    unit.unit.cell_id = pending.column_int64(1);
    unit.unit.input_index = pending.column_int64(2);
    unit.unit.trial_begin = static_cast<uint64_t>(pending.column_int64(3));
    unit.unit.trial_end = static_cast<uint64_t>(pending.column_int64(4));
    unit.issue_count = pending.column_int64(5) + 1;
    unit.deadline_ms = deadline;
    leased.push_back(unit);
  }
  pending.reset();
  for (const auto& unit : leased) {
    sql_->lease_unit.bind(1, std::string_view(worker_id)).bind(2, deadline).bind(3, unit.id).run();
    if (unit.issue_count > 1) {
      record_event("reissue", worker_id, unit.id, fmt::format("issue {}", unit.issue_count), now);
    }
  }
  transaction.commit();
  return leased;
}

size_t SqliteStore::extend_leases(const std::string& worker_id, TimeMs deadline) {
  sql_->extend_leases.bind(1, deadline).bind(2, std::string_view(worker_id)).run();
  return static_cast<size_t>(db_.changes());
}

std::vector<int64_t> SqliteStore::unlease(const std::vector<std::pair<int64_t, std::string>>& units,
                                          const char* event, TimeMs now) {
  std::vector<int64_t> ids;
  for (const auto& [id, owner] : units) {
    sql_->unlease_unit.bind(1, id).run();
    record_event(event, owner, id, "", now);
    ids.push_back(id);
  }
  return ids;
}

std::vector<int64_t> SqliteStore::expire_leases(TimeMs now) {
  Transaction transaction(db_);
  std::vector<std::pair<int64_t, std::string>> expired;
  auto& query = sql_->expired_units;
  query.bind(1, now);
  while (query.step()) expired.emplace_back(query.column_int64(0), query.column_text(1));
  query.reset();
  auto ids = unlease(expired, "lease_expired", now);
  transaction.commit();
  return ids;
}

std::vector<int64_t> SqliteStore::release_worker(const std::string& worker_id, TimeMs now) {
  Transaction transaction(db_);
  std::vector<std::pair<int64_t, std::string>> owned;
  auto& query = sql_->owned_units;
  query.bind(1, std::string_view(worker_id));
  while (query.step()) owned.emplace_back(query.column_int64(0), query.column_text(1));
  query.reset();
  auto ids = unlease(owned, "lease_released", now);
  transaction.commit();
  return ids;
}

}  // namespace beamline::store
