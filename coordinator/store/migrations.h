#pragma once
// Schema migrations: schema/migrations/NNNN_name.sql, embedded at build
// time, applied in order at open. schema_version records each applied one.
// A database newer than this build is refused (an old binary must not write
// into a schema it does not know).
#include <string>
#include <vector>

namespace beamline::store {

class Database;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& migrations();  // generated: embedded_migrations.cpp
int latest_schema_version();

// Creates schema_version if needed, then applies every missing migration,
// each in its own transaction. Returns the version the database is now at.
int apply_migrations(Database& db, long long now_ms);
int schema_version(Database& db);

}  // namespace beamline::store
