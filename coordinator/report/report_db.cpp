#include "coordinator/report/report_db.h"

#include <fmt/core.h>

#include <filesystem>

#include "common/error.h"

namespace beamline::report {

std::unique_ptr<store::Database> open_report_database(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    fail_in_file(path, "no such database file (expected the SQLite file a beamline coordinator writes)");
  }
  auto db = std::make_unique<store::Database>(path, store::OpenMode::read_only);
  int64_t beamline_tables = 0;
  try {
    store::Statement tables(*db,
                            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                            "('schema_version', 'campaign', 'cell', 'trial')");
    tables.step();
    beamline_tables = tables.column_int64(0);
  } catch (const Error&) {
    fail_in_file(path, "not a beamline database: not an SQLite database file");
  }
  if (beamline_tables != 4) {
    fail_in_file(path, "not a beamline database: it has no schema_version, campaign, cell and trial tables");
  }
  store::Statement version(*db, "SELECT coalesce(max(version), 0) FROM schema_version");
  version.step();
  const int64_t schema = version.column_int64(0);
  if (schema < kViewsSchemaVersion) {
    fail_in_file(path, fmt::format("schema version {} predates the report views (version {}); open it once with "
                                   "this build's `beamline coordinator` to migrate it",
                                   schema, kViewsSchemaVersion));
  }
  return db;
}

}  // namespace beamline::report
