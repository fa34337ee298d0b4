// End-to-end orchestration throughput: a synthetic campaign through the
// coordinator (ROUTER loop, leases, batched commits, acks) and workers
// (DEALER loops, SyntheticRunner) over loopback TCP, in results/s, next to
// raw SQLite inserts of the same rows (same table, same batch size, WAL,
// synchronous=FULL, one prepared statement) measured in the same run.
//   orchestration_bench [--quick] [--workers N] [--campaign FILE]
// Prints "ratio coordinator_vs_sqlite X" (the coordinator's share of the
// raw insert rate). Default campaign: examples/synthetic.toml (1,000,000
// trials); --quick runs it at a tenth.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "coordinator/daemon/coordinator_daemon.h"
#include "coordinator/store/sqlite_db.h"
#include "coordinator/store/sqlite_store.h"
#include "worker/daemon/worker_daemon.h"
#include "worker/units/synthetic_runner.h"
#include <spdlog/spdlog.h>

namespace {

using beamline::store::Database;
using beamline::store::Statement;
using Seconds = std::chrono::duration<double>;

struct Row {
  int64_t cell_id, trial_index, input_index;
  std::string outcome, site, worker;
  int64_t unit_id, recorded_ms;
  std::optional<int64_t> first_divergence_step;
};

double run_campaign(const std::string& campaign, const std::string& db, int workers) {
  auto bound = std::make_shared<std::promise<std::string>>();
  beamline::coordinator::CoordinatorOptions options;
  options.db_path = db;
  options.campaign_path = campaign;
  options.bind = "tcp://127.0.0.1:*";
  options.handle_signals = false;
  options.on_bound = [bound](const std::string& endpoint) { bound->set_value(endpoint); };
  const auto start = std::chrono::steady_clock::now();
  auto coordinator = std::async(std::launch::async, [options] { return beamline::coordinator::run_coordinator(options); });
  const std::string endpoint = bound->get_future().get();
  std::vector<std::future<int>> threads;
  for (int i = 0; i < workers; ++i) {
    threads.push_back(std::async(std::launch::async, [endpoint, i] {
      beamline::worker::WorkerOptions w;
      w.connect = endpoint;
      w.worker_id = fmt::format("bench-{}", i);
      w.handle_signals = false;
      w.model_root = ".";
      beamline::units::SyntheticRunner runner;
      return beamline::worker::run_worker(w, runner);
    }));
  }
  if (coordinator.get() != 0) throw std::runtime_error("the coordinator did not complete the campaign");
  const double seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  for (auto& t : threads) t.get();
  return seconds;
}

std::vector<Row> read_rows(const std::string& db_path) {
  Database db(db_path);
  Statement query(db,
                  "SELECT cell_id, trial_index, input_index, outcome, site, worker_id, unit_id, recorded_ms,"
                  " first_divergence_step FROM trial ORDER BY rowid");
  std::vector<Row> rows;
  while (query.step()) {
    Row row{query.column_int64(0), query.column_int64(1), query.column_int64(2), query.column_text(3),
            query.column_text(4),  query.column_text(5),  query.column_int64(6), query.column_int64(7), std::nullopt};
    if (!query.column_is_null(8)) row.first_divergence_step = query.column_int64(8);
    rows.push_back(std::move(row));
  }
  return rows;
}

// The same rows into the same (empty) schema, in transactions of
// `batch` rows: what the database alone can do.
double raw_inserts(const std::vector<Row>& rows, const std::string& db_path, size_t batch) {
  { beamline::store::SqliteStore create(db_path, 0); }  // the schema, by the same migrations
  Database db(db_path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  Statement insert(db,
                   "INSERT INTO trial (cell_id, trial_index, input_index, outcome, site, corrections,"
                   " first_divergence_step, duration_seconds, worker_id, unit_id, recorded_ms)"
                   " VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?) ON CONFLICT (cell_id, trial_index) DO NOTHING");
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < rows.size(); i += batch) {
    db.exec("BEGIN IMMEDIATE");
    for (size_t j = i; j < std::min(rows.size(), i + batch); ++j) {
      const Row& r = rows[j];
      insert.bind(1, r.cell_id)
          .bind(2, r.trial_index)
          .bind(3, r.input_index)
          .bind(4, std::string_view(r.outcome))
          .bind(5, std::string_view(r.site))
          .bind(6, r.first_divergence_step)
          .bind(7, std::string_view(r.worker))
          .bind(8, r.unit_id)
          .bind(9, r.recorded_ms)
          .run();
    }
    db.exec("COMMIT");
  }
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  bool quick = false;
  int workers = 4;
  std::string campaign = std::string(BEAMLINE_SOURCE_DIR) + "/examples/synthetic.toml";
  CLI::App app("Coordinator results/s against raw SQLite inserts of the same rows");
  app.add_flag("--quick", quick, "A tenth of the campaign's trials");
  app.add_option("--workers", workers, "Synthetic workers")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--campaign", campaign, "Campaign file")->capture_default_str()->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  std::string pattern = (std::filesystem::temp_directory_path() / "beamline-orch-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return 1;
  const std::filesystem::path dir = pattern;
  std::ifstream in(campaign);
  std::stringstream text;
  text << in.rdbuf();
  std::string source = text.str();
  if (quick) {
    const std::string from = "trials_per_input = 2500", to = "trials_per_input = 250";
    if (auto at = source.find(from); at != std::string::npos) source.replace(at, from.size(), to);
  }
  const std::string campaign_copy = (dir / "campaign.toml").string();
  std::ofstream(campaign_copy) << source;

  const std::string coordinator_db = (dir / "coordinator.db").string();
  const double coordinator_seconds = run_campaign(campaign_copy, coordinator_db, workers);
  const auto rows = read_rows(coordinator_db);
  const double sqlite_seconds = raw_inserts(rows, (dir / "raw.db").string(), 500);
  const double coordinator_rate = static_cast<double>(rows.size()) / coordinator_seconds;
  const double sqlite_rate = static_cast<double>(rows.size()) / sqlite_seconds;
  fmt::print("trials {} workers {}\n", rows.size(), workers);
  fmt::print("coordinator_results_per_s {:.0f}\n", coordinator_rate);
  fmt::print("sqlite_inserts_per_s {:.0f}\n", sqlite_rate);
  fmt::print("ratio coordinator_vs_sqlite {:.3f}\n", coordinator_rate / sqlite_rate);
  std::filesystem::remove_all(dir);
  return 0;
}
