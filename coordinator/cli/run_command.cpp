#include "coordinator/cli/run_command.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "common/campaign/campaign_parser.h"
#include "common/error.h"
#include "common/manifest/manifest.h"
#include "common/stop_signals.h"
#include "coordinator/cli/coordinator_command.h"
#include "coordinator/cli/local_workers.h"
#include "coordinator/cli/progress_printer.h"
#include "coordinator/report/report.h"

namespace beamline::coordinator {
namespace {

struct RunOptions {
  std::string campaign;
  int workers = 2;
  int threads = 0;
  std::string db;
  CoordinatorOptions coordinator;
};

// The workers share this machine's CPUs: each gets its share, so N
// workers never run N times as many compute threads as there are CPUs.
int threads_per_worker(const RunOptions& options) {
  if (options.threads > 0) return options.threads;
  const auto cpus = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  return std::max(1, cpus / std::max(1, options.workers));
}

std::vector<std::string> worker_args(const RunOptions& options, const std::string& endpoint, const std::string& root,
                                     int index) {
  std::vector<std::string> args = {"--log-level",
                                   std::string(spdlog::level::to_string_view(spdlog::get_level()).data()),
                                   "worker",
                                   "--connect",
                                   endpoint,
                                   "--id",
                                   fmt::format("local-{}/cpu", index),
                                   "--model-root",
                                   root};
  args.push_back("--threads");
  args.push_back(std::to_string(threads_per_worker(options)));
  return args;
}

int run_locally(RunOptions& options) {
  // Parse first: a bad campaign file fails before anything starts.
  const auto spec = campaign::load_campaign(options.campaign);
  const std::string root = std::filesystem::absolute(manifest::campaign_root(spec)).lexically_normal().string();
  if (options.db.empty()) options.db = std::filesystem::path(options.campaign).stem().string() + ".db";

  auto& coordinator = options.coordinator;
  coordinator.db_path = options.db;
  coordinator.campaign_path = options.campaign;
  coordinator.bind = "tcp://127.0.0.1:*";
  LocalWorkers workers;
  bool workers_gone = false;
  coordinator.on_bound = [&](const std::string& endpoint) {
    spdlog::info("starting {} worker(s) on {}", options.workers, endpoint);
    for (int i = 0; i < options.workers; ++i) workers.start(worker_args(options, endpoint, root, i));
  };
  coordinator.should_stop = [&] {
    // Every worker exited (refused, crashed): nothing will finish the
    // campaign, so stop instead of waiting forever.
    if (!workers_gone && workers.running() == 0) {
      workers_gone = true;
      spdlog::error("every worker process exited before the campaign was complete");
    }
    return workers_gone;
  };
  ProgressPrinter printer(stderr);
  coordinator.on_progress = [&](const Progress& progress) { printer.update(progress); };

  int code = 0;
  try {
    code = run_coordinator(coordinator);
  } catch (...) {
    printer.finish();
    workers.stop(0);
    throw;
  }
  printer.finish();
  if (code == kExitStopped && StopSignals::count() >= 2) {
    // A second Ctrl-C: leave at once. The coordinator has returned, so
    // nothing the workers hold can be stored now; a resume reruns it.
    workers.kill_all();
  } else {
    workers.stop(2000);  // they exit on the Shutdown they were sent; stragglers get SIGTERM
  }
  if (workers_gone) {
    throw Error(fmt::format("{}: every worker exited before the campaign was complete (their errors are above); "
                            "the database {} resumes with the same command",
                            options.campaign, options.db));
  }
  if (code != kExitComplete) {
    fmt::print(stderr, "stopped; resume with: beamline run {} --db {}\n", options.campaign, options.db);
    return code;
  }
  report::write_report(options.db, report::ReportOptions{}, std::cout);
  std::cout.flush();
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto* command = app.add_subcommand(
      "run", "Run a campaign on this machine: a coordinator and N worker processes, a progress bar, the report");
  command->add_option("campaign", options->campaign, "Campaign file (docs/campaign.md)")->required();
  command->add_option("--workers", options->workers, "Worker processes")->capture_default_str()->check(
      CLI::Range(1, 256));
  command->add_option("--threads", options->threads, "Compute threads per worker (0: the CPUs shared out among the workers)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--db", options->db, "SQLite database (default: CAMPAIGN's name with .db, here)");
  command->add_option("--http", options->coordinator.http, "Serve /metrics, /api and the dashboard on HOST:PORT");
  add_timing_options(*command, options->coordinator);
  command->callback([options] {
    const int code = run_locally(*options);
    if (code != 0) std::exit(code);
  });
}

}  // namespace beamline::coordinator
