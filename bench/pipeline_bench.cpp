// Worker pipelining: the same units through the worker's UnitExecutor and
// ModelRunner with and without its prefetch thread (the next unit's model,
// input selection and golden runs prepared while the current unit runs),
// in units/s, side by side and alternating which goes first. Each side
// starts every round with a new ModelRunner, so both pay for every model
// load, selection and golden run; results stream out batch by batch on
// both.
//
//   pipeline_bench [--quick] [--root REPO]
//
// The units: every single_bit cell of examples/quickstart.toml (the two
// bundled models x qa, math, choice x none, ft2), one unit per selected
// input, at two unit sizes: the quickstart's 25 trials (set-up is a large
// share) and the default transient unit, 256. --quick: 4 inputs per
// dataset, one round, 25-trial units only.
//
// Prints per unit size the rates, then
//   ratio pipelined_vs_serial_unitN X   (units/s with prefetch / without)
//   ratio pipelined_agreement Y         (share of trials with the same outcome on both sides)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench/bench_models.h"
#include "common/campaign/campaign_parser.h"
#include "common/campaign/cells.h"
#include "common/campaign/trial_plan.h"
#include "common/protocol/work_unit.h"
#include "worker/daemon/unit_executor.h"
#include "worker/runtime/blas_kernels.h"
#include "worker/units/model_runner.h"

namespace {

using namespace beamline;
using Clock = std::chrono::steady_clock;
using TrialKey = std::tuple<uint64_t, uint64_t>;  // unit id, trial index

struct SideResult {
  double seconds = 0;
  std::map<TrialKey, int> outcomes;
  size_t errors = 0;
};

// Every unit through one executor on a new runner; returns when the last
// one finished.
SideResult run_side(const std::vector<wire::WorkUnit>& units, const units::RunnerOptions& options, bool prefetch) {
  SideResult out;
  units::ModelRunner runner(options);
  const auto start = Clock::now();
  {
    worker::UnitExecutor executor(runner, prefetch);
    for (const auto& unit : units) executor.submit(unit);
    size_t finished = 0;
    while (finished < units.size()) {
      for (auto& event : executor.take_events()) {
        if (event.batch) {
          for (const auto& trial : event.batch->trials) {
            out.outcomes[{event.unit_id, trial.trial_index()}] = static_cast<int>(trial.outcome());
          }
        }
        if (event.finished) {
          ++finished;
          if (!event.error.empty()) {
            ++out.errors;
            std::fprintf(stderr, "unit %llu: %s\n", static_cast<unsigned long long>(event.unit_id), event.error.c_str());
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    executor.stop();
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

std::vector<wire::WorkUnit> quickstart_units(const std::string& campaign_path, int64_t inputs, uint64_t unit_trials) {
  const campaign::CampaignSpec spec = campaign::parse_campaign(campaign::read_campaign_source(campaign_path));
  const auto cells = campaign::expand_cells(spec);
  std::vector<wire::WorkUnit> units;
  uint64_t next_id = 1;
  for (size_t c = 0; c < cells.size(); ++c) {
    if (cells[c].kind != campaign::CellKind::transient || spec.faults[cells[c].fault].model != fault::FaultModel::single_bit) {
      continue;
    }
    for (int64_t input = 0; input < inputs; ++input) {
      units.push_back(protocol::make_work_unit(spec, cells[c], next_id++, c + 1, {input, 0, unit_trials}, 600000));
    }
  }
  return units;
}

}  // namespace

int main(int argc, char** argv) {
  runtime::blas::reexec_with_row_invariant_kernels(argv);
  const bench::BenchArgs args = bench::parse_bench_args(argc, argv, "Worker units/s with the prefetch thread against without");
  units::RunnerOptions options;
  options.model_root = args.source_dir;
  options.threads = 1;  // as `beamline run` gives each worker; the prefetch thread has the other core
  const int64_t inputs = args.quick ? 4 : 8;
  const int rounds = args.quick ? 1 : 2;
  std::vector<uint64_t> sizes = {25};
  if (!args.quick) sizes.push_back(campaign::kDefaultTransientUnitTrials);
  std::printf("worker pipelining: examples/quickstart.toml single_bit cells, %lld inputs each, 1 compute thread, "
              "%d rounds alternating\n",
              static_cast<long long>(inputs), rounds);
  size_t agree = 0, compared = 0, errors = 0;
  for (uint64_t size : sizes) {
    const auto units = quickstart_units(args.source_dir + "/examples/quickstart.toml", inputs, size);
    double with_seconds = 0, without_seconds = 0;
    for (int round = 0; round < rounds; ++round) {
      SideResult with, without;
      if (round % 2 == 0) {
        with = run_side(units, options, true);
        without = run_side(units, options, false);
      } else {
        without = run_side(units, options, false);
        with = run_side(units, options, true);
      }
      with_seconds += with.seconds;
      without_seconds += without.seconds;
      errors += with.errors + without.errors;
      for (const auto& [key, outcome] : without.outcomes) {
        const auto it = with.outcomes.find(key);
        agree += it != with.outcomes.end() && it->second == outcome ? 1 : 0;
        ++compared;
      }
      compared += with.outcomes.size() > without.outcomes.size() ? with.outcomes.size() - without.outcomes.size() : 0;
    }
    const double n = static_cast<double>(units.size()) * rounds;
    std::printf("unit of %llu trials (%zu units): %.2f units/s with prefetch, %.2f without\n",
                static_cast<unsigned long long>(size), units.size(), n / with_seconds, n / without_seconds);
    std::printf("ratio pipelined_vs_serial_unit%llu %.3f\n", static_cast<unsigned long long>(size),
                without_seconds / with_seconds);
  }
  if (errors > 0) std::printf("%zu units failed\n", errors);
  std::printf("ratio pipelined_agreement %.4f\n",
              compared == 0 ? 0.0 : static_cast<double>(agree) / static_cast<double>(compared));
  return errors == 0 ? 0 : 1;
}
