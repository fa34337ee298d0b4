#pragma once
// Turns a Report into text. table: aligned columns for a terminal (numbers
// right-aligned); markdown: one heading and pipe table per table; csv: one
// block per table, "# id: title" then a header row (RFC 4180 quoting);
// json: {"header": {...}, "tables": [{"id", "title", "columns", "rows": [{}],
// "notes"}]} with numbers as numbers and missing values as null.
#include <ostream>

#include "coordinator/report/report.h"
#include "coordinator/report/report_table.h"

namespace beamline::report {

void render_report(const Report& report, ReportFormat format, std::ostream& out);

// A value as the text formats show it (doubles with 4 significant digits,
// missing as "-" in table and markdown, empty in csv).
std::string format_value(const Value& value, ReportFormat format);

}  // namespace beamline::report
