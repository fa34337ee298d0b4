// beamline: a software beam test for LLM inference. Subcommands are
// registered by the folder that owns them.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <exception>

#include "common/error.h"
#include "common/logging.h"
#include "common/cli/commands.h"
#include "coordinator/cli/commands.h"
#include "coordinator/report/report_command.h"
#include "worker/cli/commands.h"
#include "worker/runtime/blas_kernels.h"

int main(int argc, char** argv) {
  beamline::runtime::blas::reexec_with_row_invariant_kernels(argv);
  CLI::App app{"beamline: how soft errors change what a language model answers"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every subcommand");
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  app.parse_complete_callback([&] { beamline::init_logging(log_level); });

  beamline::common::add_commands(app);
  beamline::worker::add_commands(app);
  beamline::report::add_commands(app);
  beamline::coordinator::add_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const beamline::Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "internal error: {}\n", e.what());
    return 2;
  }
  return 0;
}
