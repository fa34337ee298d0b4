#include "common/cli/commands.h"

#include <CLI/CLI.hpp>

namespace beamline::common {

void add_commands(CLI::App& app) {}

}  // namespace beamline::common
