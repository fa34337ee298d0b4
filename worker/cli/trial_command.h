#pragma once
namespace CLI {
class App;
}

namespace beamline::worker {

void add_trial_command(CLI::App& app);

}  // namespace beamline::worker
