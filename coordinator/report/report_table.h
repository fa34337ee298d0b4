#pragma once
// A report is a list of tables of typed values; the renderers
// (report_render.h) turn it into table, csv, json or markdown text. Values
// keep their type so JSON gets numbers and the text formats can align them.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace beamline::report {

// monostate: no value (a rate of zero trials, a baseline that is unknown).
using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct Table {
  std::string id;     // stable machine name, e.g. "cell_sdc" (JSON key, CSV section)
  std::string title;  // for people
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;  // each as long as columns
  std::vector<std::string> notes;        // what the numbers mean, one line each
};

struct Report {
  std::vector<std::pair<std::string, Value>> header;  // campaign, database, confidence, ...
  std::vector<Table> tables;
};

}  // namespace beamline::report
