#pragma once
// `beamline ci --k K --n N [--method wilson|exact] [--confidence C]`:
// the confidence interval of a rate k/n; the last line is `LOW HIGH`.
namespace CLI {
class App;
}

namespace beamline::common {

void add_ci_command(CLI::App& app);

}  // namespace beamline::common
