// make_unit_runner: one runner for every model kind. Synthetic units go to
// SyntheticRunner (no LibTorch work at all); hf units to ModelRunner, made
// on first use so a worker that only ever sees synthetic units never
// touches a model.
#include <fmt/core.h>

#include <memory>
#include <mutex>

#include "common/error.h"
#include "worker/units/model_runner.h"
#include "worker/units/synthetic_runner.h"
#include "worker/units/unit_runner.h"

namespace beamline::units {
namespace {

class KindDispatchRunner final : public UnitRunner {
 public:
  explicit KindDispatchRunner(const RunnerOptions& options) : options_(options) {}

  void run(const wire::WorkUnit& unit, const EmitBatch& emit, const std::atomic<bool>& stop) override {
    const std::string& kind = unit.model().kind();
    if (kind == "synthetic") {
      synthetic_.run(unit, emit, stop);
      return;
    }
    if (kind == "hf") {
      std::call_once(model_runner_made_, [this] { model_runner_ = std::make_unique<ModelRunner>(options_); });
      model_runner_->run(unit, emit, stop);
      return;
    }
    throw Error(fmt::format("unit {} (cell {}): model kind '{}' (expected hf or synthetic)", unit.unit_id(),
                            unit.cell_key(), kind));
  }

 private:
  RunnerOptions options_;
  SyntheticRunner synthetic_;
  std::once_flag model_runner_made_;
  std::unique_ptr<ModelRunner> model_runner_;
};

}  // namespace

std::unique_ptr<UnitRunner> make_unit_runner(const RunnerOptions& options) {
  return std::make_unique<KindDispatchRunner>(options);
}

}  // namespace beamline::units
