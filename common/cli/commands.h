#pragma once
// Registers the subcommands that need only common/ (statistics helpers).
namespace CLI {
class App;
}

namespace beamline::common {

void add_commands(CLI::App& app);

}  // namespace beamline::common
