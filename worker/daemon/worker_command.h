#pragma once
// `beamline worker --connect tcp://HOST:PORT [--device D] [--model-root DIR]
// [--threads N] [--id ID] [--capacity N]`: registered by worker/cli.
#include <CLI/CLI.hpp>

namespace beamline::worker {

void add_worker_command(CLI::App& app);

}  // namespace beamline::worker
