#pragma once
// The seam between the worker daemon (networking, leases, resend) and what
// runs a work unit's trials. The daemon owns a UnitRunner and never looks
// at models; runners never touch sockets. No LibTorch in this header, so the
// daemon and its tests build without it.
//
// What must stay true: a runner emits every trial of [trial_begin,
// trial_end) exactly once, in trial order, each result a pure function of
// the unit (seed, site key, trial index) and the golden run, so a unit run
// twice (a reissued lease) gives the same rows.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "schema/beamline.pb.h"

namespace beamline::units {

// Results of some consecutive trials of one unit. The daemon wraps each
// batch in a Results message and keeps it until the coordinator acks it.
struct UnitBatch {
  std::vector<wire::TrialResult> trials;
  std::vector<wire::GoldenRun> golden;  // golden runs first computed for this batch
};

using EmitBatch = std::function<void(UnitBatch&&)>;

struct RunnerOptions {
  std::string model_root;      // relative model, data and bounds paths start here
  std::string device = "cpu";  // cpu | cuda:N
  int threads = 0;             // intra-op threads; 0: LibTorch's default
};

class UnitRunner {
 public:
  virtual ~UnitRunner() = default;

  // Runs the unit's trials, calling `emit` after each batch. Returns early,
  // without error, once `stop` is true (batches already emitted stay valid).
  // Throws beamline::Error when the unit cannot run at all (a missing file,
  // an input index past the selected inputs); the daemon reports it in
  // Results.error and the coordinator logs it.
  virtual void run(const wire::WorkUnit& unit, const EmitBatch& emit, const std::atomic<bool>& stop) = 0;

  // Pipelining: the set-up of a unit that will run next (model load, input
  // selection, golden runs), done on another thread while run() works on
  // the current unit, so the next run() starts from its caches. It never
  // emits and never changes what run() returns; it may block while the
  // running unit needs the model to itself (weight faults). Errors are
  // dropped: run() reports them when the unit runs. Default: nothing.
  virtual void prefetch(const wire::WorkUnit& unit, const std::atomic<bool>& stop) {
    (void)unit;
    (void)stop;
  }
};

// The runner for every model kind: synthetic units run at once without
// LibTorch; hf units load the model (cached across units), select inputs,
// compute and cache golden runs and run transient or weight-fault trials.
std::unique_ptr<UnitRunner> make_unit_runner(const RunnerOptions& options);

}  // namespace beamline::units
