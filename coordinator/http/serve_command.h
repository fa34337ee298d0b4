#pragma once
// `beamline serve --db FILE --http HOST:PORT`: the HTTP endpoint and
// dashboard over a database without a coordinator (a finished campaign).
namespace CLI {
class App;
}

namespace beamline::http {

void add_serve_command(CLI::App& app);

}  // namespace beamline::http
