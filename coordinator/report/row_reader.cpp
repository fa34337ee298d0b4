#include "coordinator/report/row_reader.h"

#include <algorithm>

namespace beamline::report {

Value read_value(const store::Statement& statement, int column, char kind) {
  if (statement.column_is_null(column)) return Value{};
  switch (kind) {
    case 'i':
      return Value{statement.column_int64(column)};
    case 'd':
      return Value{statement.column_double(column)};
    default:
      return Value{statement.column_text(column)};
  }
}

std::vector<Value> read_row(const store::Statement& statement, std::string_view kinds, int first_column) {
  std::vector<Value> row;
  for (size_t i = 0; i < kinds.size(); ++i) {
    row.push_back(read_value(statement, first_column + static_cast<int>(i), kinds[i]));
  }
  return row;
}

uint64_t column_count(const store::Statement& statement, int column) {
  return static_cast<uint64_t>(std::max<int64_t>(0, statement.column_int64(column)));
}

int64_t column_int(const store::Statement& statement, int column) { return statement.column_int64(column); }

}  // namespace beamline::report
