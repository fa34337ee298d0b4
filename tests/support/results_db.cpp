#include "tests/support/results_db.h"

#include <exception>
#include <filesystem>

#include "coordinator/store/sqlite_db.h"

namespace beamline::testing {

int64_t query(const std::string& db_path, const std::string& sql) {
  if (!std::filesystem::exists(db_path)) return -1;
  try {
    store::Database db(db_path, store::OpenMode::read_only);
    store::Statement statement(db, sql);
    return statement.step() ? statement.column_int64(0) : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

std::string integrity(const std::string& db_path) {
  store::Database db(db_path, store::OpenMode::read_only);
  store::Statement check(db, "PRAGMA integrity_check");
  check.step();
  return check.column_text(0);
}

}  // namespace beamline::testing
