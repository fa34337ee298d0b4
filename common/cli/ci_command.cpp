#include "common/cli/ci_command.h"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/cli/option_checks.h"
#include "common/error.h"
#include "common/stats/interval.h"

namespace beamline::common {
namespace {

struct CiOptions {
  // Signed so that a negative count is reported as such, not wrapped around.
  std::int64_t successes = 0;
  std::int64_t trials = 0;
  std::string method = "wilson";
  double confidence = 0.95;
};

stats::IntervalMethod method_option(const std::string& name) {
  if (name == "wilson") return stats::IntervalMethod::wilson;
  if (name == "exact") return stats::IntervalMethod::exact;
  throw Error("--method must be wilson or exact, got '" + name + "'");
}

void run_ci(const CiOptions& options) {
  require_at_least("--k", options.successes, 0);
  require_at_least("--n", options.trials, 1);
  if (options.successes > options.trials) {
    throw Error(fmt::format("--k ({}) must not exceed --n ({})", options.successes,
                            options.trials));
  }
  require_open_unit_interval("--confidence", options.confidence);
  const stats::IntervalMethod method = method_option(options.method);

  const auto k = static_cast<std::uint64_t>(options.successes);
  const auto n = static_cast<std::uint64_t>(options.trials);
  const stats::Interval interval = stats::binomial_interval(k, n, options.confidence, method);
  fmt::print("{} interval at confidence {} for {} of {} (rate {:.7g})\n",
             stats::to_string(method), options.confidence, k, n,
             static_cast<double>(k) / static_cast<double>(n));
  // The last line is the machine-readable answer: LOW HIGH.
  fmt::print("{:.7g} {:.7g}\n", interval.low, interval.high);
}

}  // namespace

void add_ci_command(CLI::App& app) {
  auto options = std::make_shared<CiOptions>();
  CLI::App* command = app.add_subcommand(
      "ci", "Confidence interval of a rate k/n; prints LOW HIGH on the last line");
  command->add_option("--k", options->successes, "Successes (for example SDC trials)")
      ->required();
  command->add_option("--n", options->trials, "Trials")->required();
  command->add_option("--method", options->method, "wilson (score) or exact (Clopper-Pearson)")
      ->capture_default_str();
  command->add_option("--confidence", options->confidence, "Confidence level in (0, 1)")
      ->capture_default_str();
  command->callback([options] { run_ci(*options); });
}

}  // namespace beamline::common
