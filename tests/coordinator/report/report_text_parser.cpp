#include "tests/coordinator/report/report_text_parser.h"

#include <regex>
#include <sstream>
#include <utility>

namespace beamline::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::string> pipe_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string body = trim(line);
  if (body.size() < 2 || body.front() != '|' || body.back() != '|') return fields;
  body = body.substr(1, body.size() - 2);
  size_t start = 0;
  while (true) {
    const auto bar = body.find('|', start);
    fields.push_back(trim(body.substr(start, bar == std::string::npos ? std::string::npos : bar - start)));
    if (bar == std::string::npos) return fields;
    start = bar + 1;
  }
}

}  // namespace

std::map<std::string, ParsedTable> parse_csv_report(const std::string& text) {
  std::map<std::string, ParsedTable> tables;
  const auto lines = lines_of(text);
  const std::regex heading("^# ([a-z0-9_]+): .*$");
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    std::smatch match;
    // The report's header lines look alike ("# campaign: fixture") but are
    // followed by another "#" line or a blank one, never by a header row.
    if (!std::regex_match(lines[i], match, heading) || lines[i + 1].empty() || lines[i + 1][0] == '#') continue;
    ParsedTable& table = tables[match[1].str()];
    table.columns = csv_fields(lines[i + 1]);
    for (size_t r = i + 2; r < lines.size() && !lines[r].empty(); ++r) table.rows.push_back(csv_fields(lines[r]));
  }
  return tables;
}

std::map<std::string, ParsedTable> parse_markdown_report(const std::string& text) {
  std::map<std::string, ParsedTable> tables;
  const auto lines = lines_of(text);
  for (size_t i = 0; i + 3 < lines.size(); ++i) {
    if (lines[i].rfind("## ", 0) != 0 || !lines[i + 1].empty() || lines[i + 2].rfind("| ", 0) != 0) continue;
    ParsedTable& table = tables[lines[i].substr(3)];
    table.columns = pipe_fields(lines[i + 2]);
    // lines[i + 3] is the "| --- |" rule.
    for (size_t r = i + 4; r < lines.size() && lines[r].rfind("|", 0) == 0; ++r) {
      table.rows.push_back(pipe_fields(lines[r]));
    }
  }
  return tables;
}

std::map<std::string, ParsedTable> parse_text_report(const std::string& text) {
  std::map<std::string, ParsedTable> tables;
  const auto lines = lines_of(text);
  const std::regex rule("^ +-+( +-+)*$");
  for (size_t i = 2; i < lines.size(); ++i) {
    if (!std::regex_match(lines[i], rule)) continue;
    std::vector<std::pair<size_t, size_t>> spans;  // [begin, end) of each column's dashes
    for (size_t p = 0; p < lines[i].size();) {
      if (lines[i][p] != '-') {
        ++p;
        continue;
      }
      const size_t begin = p;
      while (p < lines[i].size() && lines[i][p] == '-') ++p;
      spans.emplace_back(begin, p);
    }
    auto cut = [&](const std::string& line) {
      std::vector<std::string> cells;
      for (const auto& [begin, end] : spans) {
        cells.push_back(begin < line.size() ? trim(line.substr(begin, end - begin)) : "");
      }
      return cells;
    };
    ParsedTable& table = tables[lines[i - 2]];
    table.columns = cut(lines[i - 1]);
    for (size_t r = i + 1; r < lines.size() && !lines[r].empty(); ++r) table.rows.push_back(cut(lines[r]));
  }
  return tables;
}

}  // namespace beamline::testing
