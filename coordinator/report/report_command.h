#pragma once
// Registers `beamline report` and `beamline serve` (the coordinator's
// read-only views of a database).
namespace CLI {
class App;
}

namespace beamline::report {

void add_commands(CLI::App& app);

}  // namespace beamline::report
