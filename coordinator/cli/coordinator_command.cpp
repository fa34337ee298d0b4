#include "coordinator/cli/coordinator_command.h"

#include <fmt/core.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "common/error.h"

namespace beamline::coordinator {

void add_timing_options(CLI::App& command, CoordinatorOptions& options) {
  command.add_option("--lease-ms", options.scheduler.lease_ms,
                     "A unit's lease: reissued if its worker neither finishes nor heartbeats within this time")
      ->capture_default_str()
      ->check(CLI::Range(100u, 86'400'000u));
  command.add_option("--heartbeat-ms", options.scheduler.heartbeat_interval_ms, "Heartbeat interval, both ways")
      ->capture_default_str()
      ->check(CLI::Range(10u, 600'000u));
  command.add_option("--liveness", options.scheduler.heartbeat_liveness,
                     "Missed heartbeats before a worker is presumed dead and its units reissued")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1000u));
  command.add_option("--drain-ms", options.drain_ms,
                     "After SIGINT/SIGTERM, how long to wait for in-flight results before exiting")
      ->capture_default_str();
}

void add_coordinator_command(CLI::App& app) {
  auto options = std::make_shared<CoordinatorOptions>();
  auto campaign = std::make_shared<std::string>();
  auto endpoint_file = std::make_shared<std::string>();
  options->bind.clear();
  auto* command = app.add_subcommand(
      "coordinator",
      "Serve a campaign's trials to workers and store their results (exit 0 when complete; see "
      "docs/orchestration.md)");
  command->add_option("--campaign", *campaign,
                      "Campaign file; may be left out on an existing database (the stored campaign resumes); on an "
                      "existing database it may only add cells");
  command->add_option("--db", options->db_path, "SQLite database (created if missing)")->required();
  command->add_option("--bind", options->bind, "Address workers connect to, tcp://ADDR:PORT (PORT * picks one)")
      ->required();
  command->add_option("--http", options->http, "Serve /metrics, /api and the dashboard on HOST:PORT");
  command->add_option("--endpoint-file", *endpoint_file,
                      "Write the bound address here once listening (for launch scripts and --bind tcp://ADDR:*)");
  add_timing_options(*command, *options);
  command->callback([options, campaign, endpoint_file] {
    if (!campaign->empty()) options->campaign_path = *campaign;
    if (!endpoint_file->empty()) {
      options->on_bound = [endpoint_file](const std::string& endpoint) {
        const std::string temporary = *endpoint_file + ".tmp";
        std::ofstream(temporary) << endpoint << "\n";
        // Renamed into place so a reader never sees half an address.
        if (std::rename(temporary.c_str(), endpoint_file->c_str()) != 0) {
          fail_in_file(*endpoint_file, "cannot write the endpoint file");
        }
      };
    }
    const int code = run_coordinator(*options);
    const auto& db = options->db_path;
    if (code == kExitComplete) {
      fmt::print("campaign complete: {}\n", db);
    } else {
      fmt::print("stopped before the campaign completed; resume with: beamline coordinator --db {} --bind {}\n", db,
                 options->bind);
    }
    std::fflush(stdout);
    if (code != 0) std::exit(code);
  });
}

}  // namespace beamline::coordinator
