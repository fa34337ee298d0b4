#include "coordinator/store/migrations.h"

#include <fmt/core.h>

#include "common/error.h"
#include "coordinator/store/sqlite_db.h"

namespace beamline::store {

int latest_schema_version() { return migrations().empty() ? 0 : migrations().back().version; }

int schema_version(Database& db) {
  Statement query(db, "SELECT coalesce(max(version), 0) FROM schema_version");
  query.step();
  return static_cast<int>(query.column_int64(0));
}

int apply_migrations(Database& db, long long now_ms) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)");
  int current = schema_version(db);
  if (current > latest_schema_version()) {
    fail_in_file(db.path(), fmt::format("the database has schema version {}, newer than this build's {}; use a newer "
                                        "beamline", current, latest_schema_version()));
  }
  for (const Migration& migration : migrations()) {
    if (migration.version <= current) continue;
    Transaction transaction(db);
    db.exec(migration.sql);
    Statement record(db, "INSERT INTO schema_version (version, name, applied_ms) VALUES (?, ?, ?)");
    record.bind(1, int64_t{migration.version}).bind(2, std::string_view(migration.name)).bind(3, int64_t{now_ms});
    record.run();
    transaction.commit();
    current = migration.version;
  }
  return current;
}

}  // namespace beamline::store
