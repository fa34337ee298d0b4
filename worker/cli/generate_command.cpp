#include "worker/cli/generate_command.h"

#include <CLI/CLI.hpp>

namespace beamline::worker {

void add_generate_command(CLI::App& app) {}

}  // namespace beamline::worker
