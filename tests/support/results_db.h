#pragma once
// Reads of a results database that tests make while other processes write
// it (opened read-only, one connection per read).
#include <cstdint>
#include <string>

namespace beamline::testing {

// The first column of the first row as an integer; -1 when there is no row
// or the database cannot be read (not created yet, or its schema not yet
// written), so a poll can simply wait for a larger value.
int64_t query(const std::string& db_path, const std::string& sql);

// SQLite's PRAGMA integrity_check verdict: "ok" for a sound file.
std::string integrity(const std::string& db_path);

}  // namespace beamline::testing
