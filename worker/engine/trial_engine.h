#pragma once
// The trial engine: runs transient-fault trials of one input in batches and
// judges each against a fault-free control computed under the same
// numerical conditions.
//
// A batch holds trials whose fault is at the same step s, plus one
// fault-free control row. For s > 0 every row starts from the golden run's
// KV cache of the first s steps (and, for ft2, its first-token bounds)
// instead of regenerating them. Outcomes compare a row with the control row
// of its own batch, not with the batch-1 golden run: fp32 matmuls are not
// batch-invariant (DESIGN.md "Determinism"), so only a control computed in
// the same batch shape from the same prefix makes "identical" meaningful.
#include <optional>
#include <string>
#include <vector>

#include "common/sites/activation_site.h"
#include "worker/engine/golden_run.h"
#include "worker/engine/outcome.h"
#include "worker/judge/dataset.h"

namespace beamline::engine {

struct TrialRequest {
  uint64_t trial_index = 0;
  sites::ActivationSite site;
};

struct TrialResult {
  uint64_t trial_index = 0;
  sites::ActivationSite site;
  Outcome outcome = Outcome::masked_identical;
  std::vector<int64_t> tokens;
  std::string text;
  int64_t corrections = 0;  // values the protection changed in this trial's rows' steps
  std::optional<int64_t> first_divergence_step;  // first generated token that differs from the control
  bool injected = false;   // the site was reached (false: it lay past the generation)
  float value_before = 0;  // the faulted element before and after the flip
  float value_after = 0;
  double seconds = 0;      // this trial's share of its batch's time
  std::string error;       // why it is due when an exception ended it
};

struct EngineOptions {
  GenerationSettings generation;
  int64_t max_batch = 16;  // rows per forward batch, the control row included
};

class TrialEngine {
 public:
  TrialEngine(runtime::LoadedModel& model, ProtectionSetup protection, EngineOptions options);

  // Runs every request on `input` whose golden run (under this engine's
  // protection) is `golden`. Results come back in request order.
  std::vector<TrialResult> run(const judge::DatasetInput& input, const GoldenRun& golden,
                               const std::vector<TrialRequest>& requests);

  const EngineOptions& options() const { return options_; }

 private:
  // One batch: requests all at step `step` (< golden.steps).
  std::vector<TrialResult> run_batch(const judge::DatasetInput& input, const GoldenRun& golden, int64_t step,
                                     const std::vector<TrialRequest>& requests);

  runtime::LoadedModel& model_;
  ProtectionSetup protection_;
  EngineOptions options_;
};

// Judges one row against the control row of its batch.
Outcome classify(const std::vector<int64_t>& tokens, bool non_finite, const std::vector<int64_t>& control_tokens,
                 const std::string& text, const judge::DatasetInput& input);

// Index of the first generated token where a and b differ; nullopt if equal.
std::optional<int64_t> first_difference(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

}  // namespace beamline::engine
