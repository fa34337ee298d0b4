#pragma once
namespace CLI {
class App;
}

namespace beamline::worker {

void add_eval_command(CLI::App& app);

}  // namespace beamline::worker
