#include "worker/cli/commands.h"

#include "worker/cli/eval_command.h"
#include "worker/cli/generate_command.h"
#include "worker/cli/make_data_command.h"
#include "worker/cli/model_info_command.h"
#include "worker/cli/profile_command.h"
#include "worker/cli/tokenize_command.h"
#include "worker/cli/train_command.h"
#include "worker/cli/trial_command.h"
#include "worker/daemon/worker_command.h"

namespace beamline::worker {

void add_commands(CLI::App& app) {
  add_generate_command(app);
  add_tokenize_command(app);
  add_model_info_command(app);
  add_train_command(app);
  add_make_data_command(app);
  add_eval_command(app);
  add_trial_command(app);
  add_profile_command(app);
  add_worker_command(app);
}

}  // namespace beamline::worker
