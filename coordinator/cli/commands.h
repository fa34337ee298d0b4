#pragma once
// The coordinator-side subcommands: `coordinator` (the daemon) and `run`
// (local mode: a coordinator and N worker processes over loopback).
#include <CLI/CLI.hpp>

namespace beamline::coordinator {

void add_commands(CLI::App& app);

}  // namespace beamline::coordinator
