#pragma once
// `beamline plan --margin E [--confidence C] [--population N] [--p P]`: the
// number of trials for a margin of error (Leveugle et al., DATE 2009); the
// last line is that number.
namespace CLI {
class App;
}

namespace beamline::common {

void add_plan_command(CLI::App& app);

}  // namespace beamline::common
