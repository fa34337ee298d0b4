#pragma once
// Reading statement columns into report Values by a kinds string: one
// character per column, 'i' integer, 'd' real, 's' text; NULL becomes a
// missing value.
#include <cstdint>
#include <string_view>
#include <vector>

#include "coordinator/report/report_table.h"
#include "coordinator/store/sqlite_db.h"

namespace beamline::report {

std::vector<Value> read_row(const store::Statement& statement, std::string_view kinds, int first_column = 0);
Value read_value(const store::Statement& statement, int column, char kind);

// A non-negative count (NULL, as sum() over no rows gives, is 0).
uint64_t column_count(const store::Statement& statement, int column);
int64_t column_int(const store::Statement& statement, int column);

}  // namespace beamline::report
