#include "worker/cli/tokenize_command.h"

#include <CLI/CLI.hpp>

namespace beamline::worker {

void add_tokenize_command(CLI::App& app) {}

}  // namespace beamline::worker
