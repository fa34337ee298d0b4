#pragma once
namespace CLI {
class App;
}

namespace beamline::worker {

void add_model_info_command(CLI::App& app);

}  // namespace beamline::worker
