#pragma once
namespace CLI {
class App;
}

namespace beamline::worker {

// `beamline make-data`: writes a task dataset (JSONL) from the generators.
void add_make_data_command(CLI::App& app);

}  // namespace beamline::worker
