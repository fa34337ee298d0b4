#pragma once
// Registers the worker-side subcommands on the beamline binary.
namespace CLI {
class App;
}

namespace beamline::worker {

void add_commands(CLI::App& app);

}  // namespace beamline::worker
