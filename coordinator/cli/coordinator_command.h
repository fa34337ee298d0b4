#pragma once
// `beamline coordinator --db FILE [--campaign FILE] --bind tcp://ADDR:PORT
// [--http HOST:PORT] [--endpoint-file FILE] [timing options]`.
#include <CLI/CLI.hpp>

#include "coordinator/daemon/coordinator_daemon.h"

namespace beamline::coordinator {

void add_coordinator_command(CLI::App& app);

// Lease, heartbeat and drain options shared by `coordinator` and `run`.
void add_timing_options(CLI::App& command, CoordinatorOptions& options);

}  // namespace beamline::coordinator
