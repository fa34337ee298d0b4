#include "worker/daemon/worker_command.h"

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "worker/daemon/worker_daemon.h"
#include "worker/units/unit_runner.h"

namespace beamline::worker {

void add_worker_command(CLI::App& app) {
  auto options = std::make_shared<WorkerOptions>();
  auto threads = std::make_shared<int>(0);
  auto* command = app.add_subcommand(
      "worker", "Run trials for a coordinator until it says stop (one process per GPU; see docs/orchestration.md)");
  command->add_option("--connect", options->connect, "The coordinator's address, tcp://HOST:PORT")->required();
  command->add_option("--device", options->device, "cpu or cuda:N")->capture_default_str();
  command->add_option("--model-root", options->model_root,
                      "The campaign root on this machine: model, data and bounds paths start here, and their "
                      "SHA-256 must match the coordinator's manifest (default: the current directory)");
  command->add_option("--threads", *threads, "Compute threads (LibTorch and the BLAS; 0: LibTorch's default for both)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--id", options->worker_id,
                      "Worker id, stable across restarts (default HOST/DEVICE; give distinct ids to workers sharing "
                      "a host and device)");
  command->add_option("--capacity", options->capacity, "Units held at once (one runs, the rest wait)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command->callback([options, threads] {
    units::RunnerOptions runner_options;
    runner_options.device = options->device;
    runner_options.threads = *threads;
    WorkerOptions resolved = *options;
    if (resolved.model_root.empty()) resolved.model_root = std::filesystem::current_path().string();
    runner_options.model_root = resolved.model_root;
    auto runner = units::make_unit_runner(runner_options);
    const int code = run_worker(resolved, *runner);
    if (code != 0) std::exit(code);
  });
}

}  // namespace beamline::worker
