#pragma once
// Opening a database for reading reports (and for the HTTP endpoint):
// read-only, checked to be a beamline database with the report views.
#include <memory>
#include <string>

#include "coordinator/store/sqlite_db.h"

namespace beamline::report {

// The schema version that added the views reports read (0002_views.sql).
inline constexpr int kViewsSchemaVersion = 2;

// Throws beamline::Error naming the file when it does not exist, is not an
// SQLite file, has no beamline tables, or predates the report views.
std::unique_ptr<store::Database> open_report_database(const std::string& path);

}  // namespace beamline::report
