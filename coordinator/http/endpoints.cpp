#include "coordinator/http/endpoints.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/stats/interval.h"

namespace beamline::http {
namespace {

using nlohmann::ordered_json;

// Prometheus label values escape backslash, double quote and newline.
std::string label_value(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return escaped;
}

int64_t single_int(store::Database& db, const std::string& sql, std::optional<int64_t> bind = std::nullopt) {
  store::Statement query(db, sql);
  if (bind) query.bind(1, *bind);
  return query.step() ? query.column_int64(0) : 0;
}

struct Totals {
  int64_t cells = 0, planned = 0, done = 0, pending = 0, sdc = 0, due = 0;
};

Totals totals(store::Database& db) {
  store::Statement query(db,
                         "SELECT count(*), coalesce(sum(planned_trials), 0), coalesce(sum(done_trials), 0), "
                         "coalesce(sum(CASE WHEN state = 'active' AND planned_trials > done_trials "
                         "THEN planned_trials - done_trials ELSE 0 END), 0), "
                         "coalesce(sum(sdc_trials), 0), coalesce(sum(due_trials), 0) FROM cell");
  query.step();
  return {query.column_int64(0), query.column_int64(1), query.column_int64(2),
          query.column_int64(3), query.column_int64(4), query.column_int64(5)};
}

double results_per_second(store::Database& db, int64_t now_ms) {
  const int64_t recent = single_int(db, "SELECT count(*) FROM trial WHERE recorded_ms > ?", now_ms - kThroughputWindowMs);
  return static_cast<double>(recent) / (kThroughputWindowMs / 1000.0);
}

int64_t reissued_leases(store::Database& db) {
  return single_int(db, "SELECT coalesce(sum(issue_count - 1), 0) FROM unit WHERE issue_count > 1");
}

void metric_header(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

ordered_json interval_fields(int64_t k, int64_t n) {
  ordered_json json;
  if (n <= 0) {
    json["sdc_rate"] = nullptr;
    json["wilson_low"] = nullptr;
    json["wilson_high"] = nullptr;
    return json;
  }
  const auto interval = stats::wilson_interval(static_cast<uint64_t>(k), static_cast<uint64_t>(n));
  json["sdc_rate"] = static_cast<double>(k) / static_cast<double>(n);
  json["wilson_low"] = interval.low;
  json["wilson_high"] = interval.high;
  return json;
}

}  // namespace

std::string metrics_text(store::Database& db, int64_t now_ms) {
  std::string out;
  const Totals all = totals(db);
  std::string campaign;
  bool complete = false;
  {
    store::Statement query(db, "SELECT name, completed_ms IS NOT NULL FROM campaign WHERE id = 1");
    if (query.step()) {
      campaign = query.column_text(0);
      complete = query.column_int64(1) != 0;
    }
  }
  metric_header(out, "beamline_campaign_complete", "gauge", "1 once every cell's budget is met, else 0.");
  out += fmt::format("beamline_campaign_complete{{campaign=\"{}\"}} {}\n", label_value(campaign), complete ? 1 : 0);
  metric_header(out, "beamline_trials_planned", "gauge", "Trials the campaign plans (sum of cell budgets).");
  out += fmt::format("beamline_trials_planned {}\n", all.planned);
  metric_header(out, "beamline_trials_done_total", "counter", "Trials whose results are stored.");
  out += fmt::format("beamline_trials_done_total {}\n", all.done);
  metric_header(out, "beamline_trials_pending", "gauge", "Trials still to run in cells whose budget is not met.");
  out += fmt::format("beamline_trials_pending {}\n", all.pending);

  metric_header(out, "beamline_cell_trials_planned", "gauge", "Trials planned per cell.");
  // Per-cell series carry the cell's factors as labels, so their number is
  // the campaign's cell count (docs/report.md: 4 per cell, 2 more per
  // transient cell with trials), never a per-trial or per-site figure.
  std::string per_cell, wilson_low, wilson_high;
  store::Statement cells(db,
                         "SELECT id, kind, model, dataset, fault_model, protection, "
                         "coalesce(targets, selection || ' p=' || rate, ''), planned_trials, done_trials, sdc_trials, "
                         "due_trials FROM cell ORDER BY id");
  while (cells.step()) {
    const std::string labels = fmt::format(
        "cell=\"{}\",kind=\"{}\",model=\"{}\",dataset=\"{}\",fault=\"{}\",protection=\"{}\",sites=\"{}\"",
        cells.column_int64(0), label_value(cells.column_text(1)), label_value(cells.column_text(2)),
        label_value(cells.column_text(3)), label_value(cells.column_text(4)), label_value(cells.column_text(5)),
        label_value(cells.column_text(6)));
    out += fmt::format("beamline_cell_trials_planned{{{}}} {}\n", labels, cells.column_int64(7));
    const int64_t done = cells.column_int64(8), sdc = cells.column_int64(9), due = cells.column_int64(10);
    per_cell += fmt::format("beamline_cell_trials_total{{{},outcome=\"masked\"}} {}\n", labels, done - sdc - due);
    per_cell += fmt::format("beamline_cell_trials_total{{{},outcome=\"sdc\"}} {}\n", labels, sdc);
    per_cell += fmt::format("beamline_cell_trials_total{{{},outcome=\"due\"}} {}\n", labels, due);
    // Prometheus cannot compute a Wilson interval from the counters, so the
    // bounds are served beside them. Only for transient cells (a weight
    // cell's outcome is its accuracy) with trials (no NaN gauges).
    if (cells.column_text(1) == "transient" && done > 0) {
      const auto interval = stats::wilson_interval(static_cast<uint64_t>(sdc), static_cast<uint64_t>(done));
      wilson_low += fmt::format("beamline_cell_sdc_wilson_low{{{}}} {}\n", labels, interval.low);
      wilson_high += fmt::format("beamline_cell_sdc_wilson_high{{{}}} {}\n", labels, interval.high);
    }
  }
  metric_header(out, "beamline_cell_trials_total", "counter",
                "Trials stored per cell by outcome (masked = masked_identical + masked_correct).");
  out += per_cell;
  metric_header(out, "beamline_cell_sdc_wilson_low", "gauge",
                "Lower bound of the 95% Wilson score interval of a transient cell's SDC rate.");
  out += wilson_low;
  metric_header(out, "beamline_cell_sdc_wilson_high", "gauge",
                "Upper bound of the 95% Wilson score interval of a transient cell's SDC rate.");
  out += wilson_high;

  metric_header(out, "beamline_units", "gauge", "Work units by state.");
  for (const char* state : {"pending", "leased", "done", "cancelled"}) {
    store::Statement units(db, "SELECT count(*) FROM unit WHERE state = ?");
    units.bind(1, std::string_view(state));
    units.step();
    out += fmt::format("beamline_units{{state=\"{}\"}} {}\n", state, units.column_int64(0));
  }
  metric_header(out, "beamline_workers_alive", "gauge", "Workers the coordinator counts as alive.");
  out += fmt::format("beamline_workers_alive {}\n", single_int(db, "SELECT count(*) FROM worker WHERE state = 'alive'"));
  metric_header(out, "beamline_workers_known", "gauge", "Workers ever seen by this campaign.");
  out += fmt::format("beamline_workers_known {}\n", single_int(db, "SELECT count(*) FROM worker"));
  metric_header(out, "beamline_results_per_second", "gauge", "Trial results stored per second over the last minute.");
  out += fmt::format("beamline_results_per_second {}\n", results_per_second(db, now_ms));
  metric_header(out, "beamline_leases_reissued_total", "counter",
                "Leases handed out again after expiry or a worker's departure.");
  out += fmt::format("beamline_leases_reissued_total {}\n", reissued_leases(db));
  return out;
}

std::string status_json(store::Database& db, int64_t now_ms) {
  ordered_json json;
  {
    store::Statement query(db, "SELECT name, seed, completed_ms FROM campaign WHERE id = 1");
    if (query.step()) {
      json["campaign"] = query.column_text(0);
      json["seed"] = query.column_int64(1);
      json["complete"] = !query.column_is_null(2);
    } else {
      json["campaign"] = nullptr;
      json["complete"] = false;
    }
  }
  const Totals all = totals(db);
  json["cells"] = all.cells;
  json["planned"] = all.planned;
  json["done"] = all.done;
  json["pending"] = all.pending;
  json["sdc"] = all.sdc;
  json["due"] = all.due;
  json["now_ms"] = now_ms;
  ordered_json units = ordered_json::object();
  for (const char* state : {"pending", "leased", "done", "cancelled"}) units[state] = 0;
  {
    store::Statement query(db, "SELECT state, count(*) FROM unit GROUP BY state");
    while (query.step()) units[query.column_text(0)] = query.column_int64(1);
  }
  json["units"] = units;
  ordered_json workers = ordered_json::array();
  int64_t alive = 0;
  {
    store::Statement query(db,
                           "SELECT w.id, coalesce(w.device, ''), coalesce(w.hostname, ''), w.state, w.last_seen_ms, "
                           "(SELECT count(*) FROM trial t WHERE t.worker_id = w.id), "
                           "(SELECT count(*) FROM unit u WHERE u.lease_owner = w.id AND u.state = 'leased') "
                           "FROM worker w ORDER BY w.id");
    while (query.step()) {
      ordered_json worker;
      worker["id"] = query.column_text(0);
      worker["device"] = query.column_text(1);
      worker["hostname"] = query.column_text(2);
      worker["state"] = query.column_text(3);
      worker["last_seen_ms"] = query.column_int64(4);
      worker["results"] = query.column_int64(5);
      worker["leased_units"] = query.column_int64(6);
      alive += worker["state"] == "alive" ? 1 : 0;
      workers.push_back(std::move(worker));
    }
  }
  json["workers_alive"] = alive;
  json["workers"] = workers;
  json["results_per_second"] = results_per_second(db, now_ms);
  json["reissued_leases"] = reissued_leases(db);

  // Results over the whole campaign in at most ~120 buckets of whole seconds.
  ordered_json points = ordered_json::array();
  int64_t bucket_ms = 1000;
  {
    store::Statement range(db, "SELECT min(recorded_ms), max(recorded_ms) FROM trial");
    if (range.step() && !range.column_is_null(0)) {
      const int64_t first = range.column_int64(0), last = range.column_int64(1);
      bucket_ms = std::max<int64_t>(1000, ((last - first) / 120 + 999) / 1000 * 1000);
      store::Statement series(db,
                              "SELECT recorded_ms / ?1 * ?1, count(*) FROM trial GROUP BY recorded_ms / ?1 ORDER BY 1");
      series.bind(1, bucket_ms);
      while (series.step()) points.push_back({series.column_int64(0), series.column_int64(1)});
    }
  }
  json["throughput"] = {{"bucket_ms", bucket_ms}, {"points", points}};
  return json.dump();
}

std::string cells_json(store::Database& db) {
  ordered_json cells = ordered_json::array();
  store::Statement query(db,
                         "SELECT r.cell_id, r.key, r.kind, r.model, r.dataset, r.fault_model, r.targets, r.selection, "
                         "r.rate, r.protection, r.planned, r.n, r.sdc, r.due, r.state, w.accuracy, w.acc_low, "
                         "w.acc_high FROM cell_rates r LEFT JOIN weight_accuracy_rates w ON w.cell_id = r.cell_id "
                         "ORDER BY r.cell_id");
  auto text_or_null = [&](int column) -> ordered_json {
    return query.column_is_null(column) ? ordered_json(nullptr) : ordered_json(query.column_text(column));
  };
  auto real_or_null = [&](int column) -> ordered_json {
    return query.column_is_null(column) ? ordered_json(nullptr) : ordered_json(query.column_double(column));
  };
  while (query.step()) {
    ordered_json cell;
    cell["id"] = query.column_int64(0);
    cell["key"] = query.column_text(1);
    cell["kind"] = query.column_text(2);
    cell["model"] = query.column_text(3);
    cell["dataset"] = query.column_text(4);
    cell["fault"] = query.column_text(5);
    cell["targets"] = text_or_null(6);
    cell["selection"] = text_or_null(7);
    cell["rate"] = real_or_null(8);
    cell["protection"] = query.column_text(9);
    cell["planned"] = query.column_int64(10);
    const int64_t n = query.column_int64(11), sdc = query.column_int64(12);
    cell["done"] = n;
    cell["sdc"] = sdc;
    cell["due"] = query.column_int64(13);
    cell["state"] = query.column_text(14);
    cell.update(interval_fields(sdc, n));
    cell["accuracy"] = real_or_null(15);
    cell["accuracy_low"] = real_or_null(16);
    cell["accuracy_high"] = real_or_null(17);
    cells.push_back(std::move(cell));
  }
  return cells.dump();
}

std::string layers_json(store::Database& db) {
  ordered_json layers = ordered_json::array();
  store::Statement query(db,
                         "SELECT c.protection, g.layer, sum(g.n), sum(g.sdc) FROM layer_counts g "
                         "JOIN cell c ON c.id = g.cell_id GROUP BY c.protection, g.layer ORDER BY g.layer, c.protection");
  while (query.step()) {
    ordered_json layer;
    layer["protection"] = query.column_text(0);
    layer["layer"] = query.column_text(1);
    const int64_t n = query.column_int64(2), sdc = query.column_int64(3);
    layer["n"] = n;
    layer["sdc"] = sdc;
    layer.update(interval_fields(sdc, n));
    layers.push_back(std::move(layer));
  }
  return layers.dump();
}

}  // namespace beamline::http
