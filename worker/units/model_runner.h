#pragma once
// The UnitRunner for `hf` units: a LibTorch model from a Hugging Face
// directory. It keeps, across units, the loaded models, the datasets, the
// input selections, the golden runs and the fault-free evaluations of
// weight cells, so a worker pays for each once. No LibTorch in this header
// (the state lives behind a pointer).
//
// run() is serialised: a weight trial writes into a shared cached model, so
// two units never run on one ModelRunner at the same time.
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

  // What is cached (tests).
  size_t models_loaded() const;
  size_t golden_runs_cached() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace beamline::units
