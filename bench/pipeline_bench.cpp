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
// share) and the default transient unit, 256; through one worker (the
// second core free for the prefetch) and two (both cores busy, as
// `beamline run --workers 2` on this machine). --quick: 4 inputs per
// dataset, one round, one worker, 25-trial units only.
//
// Prints per worker count and unit size the rates, then
//   ratio pipelined_vs_serial_unitN[_workersW] X   (units/s with prefetch / without)
//   ratio pipelined_agreement Y         (share of trials with the same outcome on both sides)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
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

// Every unit through `workers` executors, each on its own new runner as
// each worker process has its own, units dealt in turn; returns when the
// last one finished.
SideResult run_side(const std::vector<wire::WorkUnit>& units, const units::RunnerOptions& options, bool prefetch,
                    int workers) {
  SideResult out;
  std::vector<std::unique_ptr<units::ModelRunner>> runners;
  for (int w = 0; w < workers; ++w) runners.push_back(std::make_unique<units::ModelRunner>(options));
  const auto start = Clock::now();
  {
    std::vector<std::unique_ptr<worker::UnitExecutor>> executors;
    for (auto& runner : runners) executors.push_back(std::make_unique<worker::UnitExecutor>(*runner, prefetch));
    for (size_t u = 0; u < units.size(); ++u) executors[u % executors.size()]->submit(units[u]);
    size_t finished = 0;
    while (finished < units.size()) {
      for (auto& executor : executors) {
        for (auto& event : executor->take_events()) {
          if (event.batch) {
            for (const auto& trial : event.batch->trials) {
              out.outcomes[{event.unit_id, trial.trial_index()}] = static_cast<int>(trial.outcome());
            }
          }
          if (event.finished) {
            ++finished;
            if (!event.error.empty()) {
              ++out.errors;
              std::fprintf(stderr, "unit %llu: %s\n", static_cast<unsigned long long>(event.unit_id),
                           event.error.c_str());
            }
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (auto& executor : executors) executor->stop();
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
  // Rounds alternate which side goes first; the short 25-trial runs get
  // more of them, since this machine's speed drifts over tens of seconds.
  const auto rounds_for = [&](uint64_t size) { return args.quick ? 1 : size < 100 ? 6 : 2; };
  std::vector<uint64_t> sizes = {25};
  if (!args.quick) sizes.push_back(campaign::kDefaultTransientUnitTrials);
  std::printf("worker pipelining: examples/quickstart.toml single_bit cells, %lld inputs each, 1 compute thread "
              "per worker, rounds alternating which side goes first\n",
              static_cast<long long>(inputs));
  std::vector<int> worker_counts = {1};
  if (!args.quick) worker_counts.push_back(2);
  size_t agree = 0, compared = 0, errors = 0;
  for (int workers : worker_counts) {
    for (uint64_t size : sizes) {
      const auto units = quickstart_units(args.source_dir + "/examples/quickstart.toml", inputs, size);
      double with_seconds = 0, without_seconds = 0;
      const int rounds = rounds_for(size);
      for (int round = 0; round < rounds; ++round) {
        SideResult with, without;
        if (round % 2 == 0) {
          with = run_side(units, options, true, workers);
          without = run_side(units, options, false, workers);
        } else {
          without = run_side(units, options, false, workers);
          with = run_side(units, options, true, workers);
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
      const std::string name =
          "unit" + std::to_string(size) + (workers > 1 ? "_workers" + std::to_string(workers) : std::string());
      std::printf("%d worker(s), unit of %llu trials (%zu units, %d rounds): %.2f units/s with prefetch, %.2f without\n",
                  workers, static_cast<unsigned long long>(size), units.size(), rounds, n / with_seconds,
                  n / without_seconds);
      std::printf("ratio pipelined_vs_serial_%s %.3f\n", name.c_str(), without_seconds / with_seconds);
    }
  }
  if (errors > 0) std::printf("%zu units failed\n", errors);
  std::printf("ratio pipelined_agreement %.4f\n",
              compared == 0 ? 0.0 : static_cast<double>(agree) / static_cast<double>(compared));
  return errors == 0 ? 0 : 1;
}
