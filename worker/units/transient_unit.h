#pragma once
// A transient-fault unit's trials: [trial_begin, trial_end) of one input,
// run through the batched TrialEngine in consecutive chunks, each chunk
// emitted as soon as it is done.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/campaign/trial_plan.h"
#include "schema/beamline.pb.h"
#include "worker/engine/golden_run.h"
#include "worker/engine/transient_cell.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::units {

// Trials handed to the engine at once (and emitted as one batch). The
// engine groups a chunk's trials by fault step and prefill block, so bigger
// chunks fill bigger forward batches and resume their prefills later
// (measured on the bundled models, bench/engine_bench: 256 trials per chunk
// run 1.7 times the trials/s of 16 and 1.2 times those of 64); smaller ones
// report progress sooner. Chunks start at trial_begin, so `beamline trial
// --seed S --trial B --count N` (N at most this) runs the very same engine
// batches as a unit [B, B+N).
inline constexpr uint64_t kTransientChunkTrials = campaign::kDefaultTransientUnitTrials;

// The unit's cell as the engine knows it. Throws beamline::Error when the
// unit's fault, sampling or targets do not parse, or when the key they
// give is not the unit's site_key (a coordinator and a worker that disagree
// on keys would draw different sites for the same trial).
engine::TransientCell transient_cell_of(const wire::WorkUnit& unit);

struct TransientInput {
  runtime::LoadedModel* model = nullptr;
  const judge::DatasetInput* input = nullptr;
  const engine::GoldenRun* golden = nullptr;       // under the unit's protection
  const engine::GoldenRun* unprotected = nullptr;  // sites are drawn on this one
  engine::ProtectionSetup protection;
};

using EmitTrials = std::function<void(std::vector<wire::TrialResult>&&)>;

// Emits every trial of the unit's range once, in order, unless `stop`
// turns true between chunks.
void run_transient_trials(const wire::WorkUnit& unit, const TransientInput& in, const EmitTrials& emit,
                          const std::atomic<bool>& stop);

}  // namespace beamline::units
