#include "common/cli/commands.h"

#include <CLI/CLI.hpp>

#include "common/cli/ci_command.h"
#include "common/cli/plan_command.h"

namespace beamline::common {

void add_commands(CLI::App& app) {
  add_ci_command(app);
  add_plan_command(app);
}

}  // namespace beamline::common
