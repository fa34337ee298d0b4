#include "coordinator/report/report_render.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace beamline::report {
namespace {

bool is_number(const Value& value) {
  return std::holds_alternative<int64_t>(value) || std::holds_alternative<double>(value);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string markdown_field(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

nlohmann::json to_json(const Value& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  return nullptr;
}

void render_text_table(const Table& table, std::ostream& out) {
  out << table.title << "\n";
  if (table.rows.empty()) {
    out << "  (no data)\n";
  } else {
    std::vector<size_t> widths(table.columns.size());
    std::vector<bool> numeric(table.columns.size(), true);
    for (size_t c = 0; c < table.columns.size(); ++c) widths[c] = table.columns[c].size();
    std::vector<std::vector<std::string>> cells;
    for (const auto& row : table.rows) {
      auto& texts = cells.emplace_back();
      for (size_t c = 0; c < row.size(); ++c) {
        texts.push_back(format_value(row[c], ReportFormat::table));
        widths[c] = std::max(widths[c], texts.back().size());
        if (!is_number(row[c]) && !std::holds_alternative<std::monostate>(row[c])) numeric[c] = false;
      }
    }
    auto line = [&](const std::vector<std::string>& texts) {
      std::string text = " ";
      for (size_t c = 0; c < texts.size(); ++c) {
        text += numeric[c] ? fmt::format(" {:>{}}", texts[c], widths[c]) : fmt::format(" {:<{}}", texts[c], widths[c]);
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out << text << "\n";
    };
    line(table.columns);
    std::vector<std::string> rules;
    for (size_t width : widths) rules.push_back(std::string(width, '-'));
    line(rules);
    for (const auto& texts : cells) line(texts);
  }
  for (const auto& note : table.notes) out << "  " << note << "\n";
  out << "\n";
}

void render_markdown_table(const Table& table, std::ostream& out) {
  out << "## " << table.title << "\n\n";
  if (table.rows.empty()) {
    out << "(no data)\n\n";
  } else {
    std::string header = "|", rule = "|";
    for (const auto& column : table.columns) {
      header += " " + markdown_field(column) + " |";
      rule += " --- |";
    }
    out << header << "\n" << rule << "\n";
    for (const auto& row : table.rows) {
      std::string text = "|";
      for (const auto& value : row) text += " " + markdown_field(format_value(value, ReportFormat::markdown)) + " |";
      out << text << "\n";
    }
    out << "\n";
  }
  // Notes are lines of one text: one paragraph here.
  std::string paragraph;
  for (const auto& note : table.notes) paragraph += (paragraph.empty() ? "" : " ") + markdown_field(note);
  if (!paragraph.empty()) out << paragraph << "\n\n";
}

void render_csv_table(const Table& table, std::ostream& out) {
  out << "# " << table.id << ": " << table.title << "\n";
  std::string header;
  for (size_t c = 0; c < table.columns.size(); ++c) header += (c ? "," : "") + csv_field(table.columns[c]);
  out << header << "\n";
  for (const auto& row : table.rows) {
    std::string text;
    for (size_t c = 0; c < row.size(); ++c) text += (c ? "," : "") + csv_field(format_value(row[c], ReportFormat::csv));
    out << text << "\n";
  }
  out << "\n";
}

void render_json(const Report& report, std::ostream& out) {
  nlohmann::ordered_json json;
  json["header"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : report.header) json["header"][name] = to_json(value);
  json["tables"] = nlohmann::ordered_json::array();
  for (const auto& table : report.tables) {
    nlohmann::ordered_json entry;
    entry["id"] = table.id;
    entry["title"] = table.title;
    entry["columns"] = table.columns;
    entry["rows"] = nlohmann::ordered_json::array();
    for (const auto& row : table.rows) {
      nlohmann::ordered_json object;
      for (size_t c = 0; c < row.size(); ++c) object[table.columns[c]] = to_json(row[c]);
      entry["rows"].push_back(std::move(object));
    }
    entry["notes"] = table.notes;
    json["tables"].push_back(std::move(entry));
  }
  out << json.dump(2) << "\n";
}

}  // namespace

std::string format_value(const Value& value, ReportFormat format) {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return fmt::format("{:.4g}", *d);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  return format == ReportFormat::csv ? "" : "-";
}

void render_report(const Report& report, ReportFormat format, std::ostream& out) {
  switch (format) {
    case ReportFormat::json:
      render_json(report, out);
      return;
    case ReportFormat::csv:
      for (const auto& [name, value] : report.header) {
        out << "# " << name << ": " << format_value(value, format) << "\n";
      }
      out << "\n";
      for (const auto& table : report.tables) render_csv_table(table, out);
      return;
    case ReportFormat::markdown:
      out << "# beamline report\n\n";
      for (const auto& [name, value] : report.header) {
        out << "- " << name << ": " << markdown_field(format_value(value, format)) << "\n";
      }
      out << "\n";
      for (const auto& table : report.tables) render_markdown_table(table, out);
      return;
    case ReportFormat::table:
      for (const auto& [name, value] : report.header) {
        out << fmt::format("{:<12} {}\n", name + ":", format_value(value, format));
      }
      out << "\n";
      for (const auto& table : report.tables) render_text_table(table, out);
      return;
  }
}

}  // namespace beamline::report
