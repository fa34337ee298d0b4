#include "common/cli/plan_command.h"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/cli/option_checks.h"
#include "common/stats/sample_size.h"

namespace beamline::common {
namespace {

struct PlanOptions {
  double margin = 0.0;
  double confidence = 0.95;
  double expected_rate = stats::kWorstCaseRate;
  std::int64_t population = 0;  // read only when --population was given
  bool has_population = false;
};

void run_plan(const PlanOptions& options) {
  require_open_unit_interval("--margin", options.margin);
  require_open_unit_interval("--confidence", options.confidence);
  require_open_unit_interval("--p", options.expected_rate);
  std::optional<std::uint64_t> population;
  if (options.has_population) {
    require_at_least("--population", options.population, 1);
    population = static_cast<std::uint64_t>(options.population);
  }

  const std::uint64_t trials = stats::leveugle_sample_size(options.margin, options.confidence,
                                                           options.expected_rate, population);
  const double reached =
      stats::leveugle_margin(trials, options.confidence, options.expected_rate, population);
  fmt::print("margin {} at confidence {}, expected rate p {}, population {}\n", options.margin,
             options.confidence, options.expected_rate,
             population ? std::to_string(*population) : std::string("unbounded"));
  fmt::print("margin reached with these trials: {:.6g} (Leveugle et al., DATE 2009)\n", reached);
  // The last line is the machine-readable answer: the number of trials.
  fmt::print("{}\n", trials);
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* command = app.add_subcommand(
      "plan", "Trials needed for a margin of error; prints the number on the last line");
  command->add_option("--margin", options->margin, "Margin of error e on the rate, in (0, 1)")
      ->required();
  command->add_option("--confidence", options->confidence, "Confidence level in (0, 1)")
      ->capture_default_str();
  CLI::Option* population = command->add_option(
      "--population", options->population,
      "Number of possible fault sites N (finite-population correction); unbounded if omitted");
  command->add_option("--p", options->expected_rate,
                      "Expected rate; 0.5, the worst case, when unknown")
      ->capture_default_str();
  command->callback([options, population] {
    options->has_population = population->count() > 0;
    run_plan(*options);
  });
}

}  // namespace beamline::common
