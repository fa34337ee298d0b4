#pragma once
// The UnitRunner for `hf` units: a LibTorch model from a Hugging Face
// directory. It keeps, across units, the loaded models, the datasets, the
// input selections, the golden runs and the fault-free evaluations of
// weight cells, so a worker pays for each once. No LibTorch in this header
// (the state lives behind a pointer).
//
// run() is serialised: a weight trial writes into a shared cached model, so
// two units never run on one ModelRunner at the same time. prefetch() may
// run beside run() on another thread. Who may do what, and the lock order
// (model lock, then state lock, never the other way round):
//  - the model lock (shared_mutex) is held shared by anything that reads
//    model weights (golden runs, transient trials, fault-free evaluations)
//    and exclusively by weight-fault trials, which write into them;
//  - the state lock guards the caches (models, datasets, selections, golden
//    runs, fault-free evaluations) and is held while they are looked up or
//    filled, never during a unit's trials;
//  - the golden cache's reports have their own lock, so a running unit
//    emits its batches while a prefetch fills the caches.
#include <memory>

#include "worker/units/unit_runner.h"

namespace beamline::units {

class ModelRunner final : public UnitRunner {
 public:
  explicit ModelRunner(const RunnerOptions& options);
  ~ModelRunner() override;

  // Throws beamline::Error naming the unit and what is wrong: a missing or
  // malformed model, dataset or bounds file, an input index past the
  // selected inputs, too few inputs whose golden run is correct, fields that
  // contradict the unit's site key.
  void run(const wire::WorkUnit& unit, const EmitBatch& emit, const std::atomic<bool>& stop) override;
  // Loads the unit's model, selects its inputs and computes the golden
  // runs (and, for a weight unit, the fault-free evaluation) it will need.
  void prefetch(const wire::WorkUnit& unit, const std::atomic<bool>& stop) override;

  // What is cached (tests).
  size_t models_loaded() const;
  size_t golden_runs_cached() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace beamline::units
