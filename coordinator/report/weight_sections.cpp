// Weight-fault tables (the 000 study's views): accuracy against p per
// selection (component or layer group), relative change, AWRCL, the
// smallest p that halves accuracy, and NaN rates measured and analytic.
#include <fmt/core.h>

#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "coordinator/report/report_sections.h"
#include "coordinator/report/row_reader.h"
#include "coordinator/report/weight_metrics.h"

namespace beamline::report {
namespace {

struct WeightCell {
  int64_t id = 0;
  std::string model, dataset, fault, selection, protection, definition;
  double rate = 0;
  uint64_t trials = 0;
  std::optional<double> accuracy, accuracy_sd, mean_faults;
  uint64_t non_finite = 0;
  std::optional<double> population;  // bits (bit_error_rate) or elements the selection holds
  std::optional<double> baseline;
  std::optional<double> change;
};

using CurveKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;
CurveKey curve_of(const WeightCell& c) { return {c.model, c.dataset, c.fault, c.selection, c.protection}; }

// A field of the cell definition (common/campaign/cells.cpp), e.g.
// "inputs=200" or "dtype=float32".
std::optional<std::string> definition_field(const std::string& definition, const std::string& name) {
  const std::regex pattern("(^|[;,])" + name + "=([^;,]*)");
  std::smatch match;
  if (!std::regex_search(definition, match, pattern)) return std::nullopt;
  return match[2].str();
}

std::vector<WeightCell> load_cells(store::Database& db) {
  std::vector<WeightCell> cells;
  store::Statement query(db,
                         "SELECT c.id, c.model, c.dataset, c.fault_model, coalesce(c.selection, ''), c.protection, "
                         "c.definition, coalesce(c.rate, 0), w.n, w.accuracy, w.accuracy_sd, w.mean_fault_count, "
                         "coalesce(w.non_finite_outputs, 0) FROM weight_accuracy w JOIN cell c ON c.id = w.cell_id "
                         "ORDER BY c.model, c.dataset, c.fault_model, c.selection, c.protection, c.rate, c.id");
  while (query.step()) {
    WeightCell cell;
    cell.id = query.column_int64(0);
    cell.model = query.column_text(1);
    cell.dataset = query.column_text(2);
    cell.fault = query.column_text(3);
    cell.selection = query.column_text(4);
    cell.protection = query.column_text(5);
    cell.definition = query.column_text(6);
    cell.rate = query.column_double(7);
    cell.trials = column_count(query, 8);
    if (!query.column_is_null(9)) cell.accuracy = query.column_double(9);
    if (!query.column_is_null(10)) cell.accuracy_sd = query.column_double(10);
    if (!query.column_is_null(11)) cell.mean_faults = query.column_double(11);
    cell.non_finite = column_count(query, 12);
    cells.push_back(std::move(cell));
  }
  // The worker writes the selection's size into every trial's site
  // ("weight:faults=F,elements=E,population=N"); one trial per cell says it.
  store::Statement site(db, "SELECT site FROM trial WHERE cell_id = ? LIMIT 1");
  const std::regex population("(^|[:,])population=([0-9]+)");
  for (auto& cell : cells) {
    site.bind(1, cell.id);
    if (site.step()) {
      const std::string text = site.column_text(0);
      std::smatch match;
      if (std::regex_search(text, match, population)) cell.population = std::stod(match[2].str());
    }
    site.reset();
  }
  return cells;
}

// Fault-free accuracy: the golden runs' judged correctness for the model and
// dataset under the cell's protection (else unprotected); failing that, the
// curve's cell at p = 0.
std::optional<double> golden_accuracy(store::Database& db, const WeightCell& cell) {
  store::Statement query(db,
                         "SELECT avg(g.correct) FROM golden g JOIN input i ON i.id = g.input_id "
                         "WHERE i.model = ? AND i.dataset = ? AND g.protection = ? AND g.correct IS NOT NULL");
  for (const std::string& protection : {cell.protection, std::string("none")}) {
    query.bind(1, std::string_view(cell.model)).bind(2, std::string_view(cell.dataset)).bind(3, std::string_view(protection));
    const bool row = query.step();
    std::optional<double> value;
    if (row && !query.column_is_null(0)) value = query.column_double(0);
    query.reset();
    if (value) return value;
  }
  return std::nullopt;
}

void fill_baselines(store::Database& db, std::vector<WeightCell>& cells) {
  std::map<CurveKey, std::optional<double>> zero_rate;
  for (const auto& cell : cells) {
    if (cell.rate == 0 && cell.accuracy) zero_rate[curve_of(cell)] = cell.accuracy;
  }
  for (auto& cell : cells) {
    cell.baseline = golden_accuracy(db, cell);
    if (!cell.baseline) {
      auto it = zero_rate.find(curve_of(cell));
      if (it != zero_rate.end()) cell.baseline = it->second;
    }
    if (cell.accuracy) cell.change = relative_change(cell.baseline, *cell.accuracy);
  }
}

std::vector<Value> cell_columns(const WeightCell& c) {
  return {Value{c.id}, Value{c.model}, Value{c.dataset}, Value{c.fault}, Value{c.selection}, Value{c.protection},
          Value{c.rate}};
}
const std::vector<std::string> kCellNames{"cell", "model", "dataset", "fault", "selection", "protection", "rate"};

Value optional_value(const std::optional<double>& value) { return value ? Value{*value} : Value{}; }

void add_accuracy_table(const std::vector<WeightCell>& cells, const ReportOptions& options, Report& report) {
  Table table{"weight_accuracy", "Weight faults: accuracy against p per selection", kCellNames, {}, {}};
  for (const char* name : {"trials", "accuracy", "acc_low", "acc_high", "baseline", "relative_change", "rc_low",
                           "rc_high", "mean_faults"}) {
    table.columns.push_back(name);
  }
  for (const auto& c : cells) {
    auto row = cell_columns(c);
    row.push_back(Value{int64_t(c.trials)});
    row.push_back(optional_value(c.accuracy));
    std::optional<stats::Interval> interval;
    if (c.accuracy && c.accuracy_sd) interval = mean_interval(*c.accuracy, *c.accuracy_sd, c.trials, options.confidence);
    row.push_back(interval ? Value{interval->low} : Value{});
    row.push_back(interval ? Value{interval->high} : Value{});
    row.push_back(optional_value(c.baseline));
    row.push_back(optional_value(c.change));
    // A higher accuracy is a smaller change: the interval's ends swap.
    row.push_back(interval ? optional_value(relative_change(c.baseline, interval->high)) : Value{});
    row.push_back(interval ? optional_value(relative_change(c.baseline, interval->low)) : Value{});
    row.push_back(optional_value(c.mean_faults));
    table.rows.push_back(std::move(row));
  }
  table.notes = {
      fmt::format("accuracy: mean over trials (each one corrupted model on the whole set); acc_low/acc_high: {:g}% "
                  "Student t interval of that mean.",
                  options.confidence * 100),
      "baseline: fault-free accuracy (golden runs, else the p = 0 cell); relative_change = (baseline - accuracy) / "
      "baseline."};
  report.tables.push_back(std::move(table));
}

void add_sensitivity_table(store::Database& db, const std::vector<WeightCell>& cells, Report& report) {
  // Per trial: its fault-count decade and relative change, for AWRCL by count.
  std::map<int64_t, const WeightCell*> by_id;
  for (const auto& c : cells) by_id[c.id] = &c;
  std::map<CurveKey, std::map<int, std::pair<double, uint64_t>>> decades;  // sum of change, trials
  store::Statement trials(db,
                          "SELECT t.cell_id, coalesce(t.fault_count, 0), t.accuracy FROM trial t JOIN cell c ON "
                          "c.id = t.cell_id WHERE c.kind = 'weight' AND t.accuracy IS NOT NULL");
  while (trials.step()) {
    const WeightCell& cell = *by_id.at(trials.column_int64(0));
    const auto change = relative_change(cell.baseline, trials.column_double(2));
    if (!change) continue;
    auto& slot = decades[curve_of(cell)][fault_count_decade(column_count(trials, 1))];
    slot.first += *change;
    slot.second += 1;
  }

  Table table{"weight_sensitivity", "Weight faults: AWRCL and the 50%-degradation threshold per selection",
              {"model", "dataset", "fault", "selection", "protection", "baseline", "rates", "awrcl_by_probability",
               "awrcl_by_count", "threshold_rate", "threshold_faults"},
              {}, {}};
  std::map<CurveKey, std::vector<const WeightCell*>> curves;
  for (const auto& c : cells) curves[curve_of(c)].push_back(&c);
  for (const auto& [key, members] : curves) {
    std::vector<CurvePoint> by_rate;
    for (const WeightCell* c : members) {
      if (c->change) by_rate.push_back({c->rate, *c->change, 1.0});
    }
    std::vector<CurvePoint> by_count;
    for (const auto& [decade, sum] : decades[key]) by_count.push_back({double(decade), sum.first / sum.second, 1.0});
    const auto threshold = threshold_crossing(by_rate);
    std::optional<double> threshold_faults;
    for (const WeightCell* c : members) {
      if (threshold && c->rate == *threshold) threshold_faults = c->mean_faults;
    }
    const auto& [model, dataset, fault, selection, protection] = key;
    table.rows.push_back({Value{model}, Value{dataset}, Value{fault}, Value{selection}, Value{protection},
                          optional_value(members.front()->baseline), Value{int64_t(members.size())},
                          optional_value(awrcl(by_rate)), optional_value(awrcl(by_count)), optional_value(threshold),
                          optional_value(threshold_faults)});
  }
  table.notes = {
      "AWRCL = sum w_i rc_i / sum w_i with w_i = 1: by_probability over the tested rates, by_count over the decades of",
      "injected faults the trials reached (1-9, 10-99, ...). threshold_rate: smallest p with relative change >= 0.5;",
      "threshold_faults: mean faults injected at that p."};
  report.tables.push_back(std::move(table));
}

void add_nan_table(const std::vector<WeightCell>& cells, const ReportOptions& options, Report& report) {
  Table table{"weight_nan", "Weight faults: non-finite outputs, measured and the study's analytic probability",
              kCellNames, {}, {}};
  for (const char* name : {"outputs", "non_finite", "nan_rate", "nan_low", "nan_high", "parameters", "analytic_nan"}) {
    table.columns.push_back(name);
  }
  for (const auto& c : cells) {
    auto row = cell_columns(c);
    const auto inputs = definition_field(c.definition, "inputs");
    const uint64_t outputs = inputs ? c.trials * std::stoull(*inputs) : 0;
    row.push_back(outputs ? Value{int64_t(outputs)} : Value{});
    row.push_back(Value{int64_t(c.non_finite)});
    if (outputs >= c.non_finite) {
      append_rate(row, c.non_finite, outputs, options);
    } else {
      row.insert(row.end(), {Value{}, Value{}, Value{}});
    }
    // Parameters in the selection, estimated from the faults drawn: E[faults]
    // = p x (bits or elements), so elements = mean faults / (p x bits per element).
    const auto dtype = definition_field(c.definition, "dtype");
    const auto layout = dtype ? float_layout(*dtype) : std::nullopt;
    // Parameters in the selection: from the population the trials record,
    // else estimated from the faults drawn (E[faults] = p x population).
    std::optional<double> parameters;
    const int bits_per_unit = layout && c.fault == "bit_error_rate" ? layout->total_bits : 1;
    if (layout && c.population) {
      parameters = *c.population / bits_per_unit;
    } else if (layout && c.mean_faults && c.rate > 0 && *c.mean_faults > 0) {
      parameters = *c.mean_faults / (c.rate * bits_per_unit);
    }
    row.push_back(parameters ? Value{std::round(*parameters)} : Value{});
    row.push_back(parameters && c.fault == "bit_error_rate"
                      ? Value{study_nan_probability(c.rate, *parameters, layout->exponent_bits, layout->mantissa_bits)}
                      : Value{});
    table.rows.push_back(std::move(row));
  }
  table.notes = {
      "nan_rate: evaluated outputs with non-finite logits / outputs (trials x inputs), with its " +
          interval_name(options) + ".",
      "analytic_nan: 1 - (1 - p (1-p)^(E-1) (1 - 2^-M))^n (000 study, section 6.1) for bit_error_rate, n = parameters",
      "(the trials' recorded population, else mean faults / (p x bits per parameter)); E, M: exponent and mantissa",
      "bits of the model's dtype. The study assumes every weight has exponent 0111...1, so it overstates NaN for",
      "typical weights (|w| << 1), whose exponents have more zero bits."};
  report.tables.push_back(std::move(table));
}

}  // namespace

void add_weight_tables(store::Database& db, const ReportOptions& options, Report& report) {
  std::vector<WeightCell> cells = load_cells(db);
  if (cells.empty()) return;
  fill_baselines(db, cells);
  if (selected(options, ReportView::cell) || selected(options, ReportView::weight)) {
    add_accuracy_table(cells, options, report);
  }
  if (selected(options, ReportView::weight) || selected(options, ReportView::layer)) {
    add_sensitivity_table(db, cells, report);
  }
  if (selected(options, ReportView::weight)) add_nan_table(cells, options, report);
}

}  // namespace beamline::report
