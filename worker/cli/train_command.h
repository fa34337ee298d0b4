#pragma once
namespace CLI {
class App;
}

namespace beamline::worker {

// `beamline train`: trains a tiny model on the generated tasks
// (worker/training/).
void add_train_command(CLI::App& app);

}  // namespace beamline::worker
