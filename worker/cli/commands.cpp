#include "worker/cli/commands.h"

#include "worker/cli/generate_command.h"
#include "worker/cli/model_info_command.h"
#include "worker/cli/tokenize_command.h"

namespace beamline::worker {

void add_commands(CLI::App& app) {
  add_generate_command(app);
  add_tokenize_command(app);
  add_model_info_command(app);
}

}  // namespace beamline::worker
