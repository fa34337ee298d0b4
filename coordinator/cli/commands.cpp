#include "coordinator/cli/commands.h"

#include "coordinator/cli/coordinator_command.h"
#include "coordinator/cli/run_command.h"

namespace beamline::coordinator {

void add_commands(CLI::App& app) {
  add_coordinator_command(app);
  add_run_command(app);
}

}  // namespace beamline::coordinator
