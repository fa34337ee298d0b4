#include "worker/cli/model_info_command.h"

#include <CLI/CLI.hpp>

namespace beamline::worker {

void add_model_info_command(CLI::App& app) {}

}  // namespace beamline::worker
