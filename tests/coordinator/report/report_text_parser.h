#pragma once
// Reads the text formats of `beamline report` (csv, markdown, table) back
// into cells of text, so tests can check every table's numbers in every
// format without trusting the renderer's own code. Deliberately simple:
// it knows the layouts docs/report.md describes and nothing more.
#include <map>
#include <string>
#include <vector>

namespace beamline::testing {

struct ParsedTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // cells as printed, trimmed
};

// csv: blocks "# id: title", a header row, rows, a blank line (RFC 4180
// quoting). Keyed by table id.
std::map<std::string, ParsedTable> parse_csv_report(const std::string& text);

// markdown: "## title", a blank line, a pipe table. Keyed by title.
std::map<std::string, ParsedTable> parse_markdown_report(const std::string& text);

// table: a title line, a header line, a rule of dashes per column, rows
// (then notes, which come out as rows that match nothing). Columns are cut
// where the rule's dashes are. Keyed by title.
std::map<std::string, ParsedTable> parse_text_report(const std::string& text);

}  // namespace beamline::testing
