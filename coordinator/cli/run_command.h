#pragma once
// `beamline run CAMPAIGN.toml [--workers N] [--db FILE] [--http HOST:PORT]`:
// the local mode. The coordinator runs in this process on a free loopback
// port; N `beamline worker` processes connect to it; progress goes to
// stderr and the report to stdout at the end. Ctrl-C drains and stops
// everything (a second Ctrl-C at once); the database resumes with the same
// command.
#include <CLI/CLI.hpp>

namespace beamline::coordinator {

void add_run_command(CLI::App& app);

}  // namespace beamline::coordinator
