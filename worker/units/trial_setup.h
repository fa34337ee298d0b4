#pragma once
// What `beamline trial` and the unit runner share when they set up
// transient trials, so both draw exactly the same sites and run the same
// protection: a trial run by hand with --seed S --trial I reproduces the
// row a campaign stored for that cell and trial.
#include <cstdint>
#include <string>
#include <vector>

#include "worker/engine/golden_run.h"
#include "worker/engine/trial_engine.h"
#include "worker/engine/transient_cell.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::units {

// Generation length of an input without its own max_new_tokens (the CLI's
// --max-new-tokens default and a campaign dataset's max_new_tokens = 0).
inline constexpr int64_t kDefaultMaxNewTokens = 32;

// The input's own max_new_tokens when it has one, else `fallback`.
inline int64_t generation_length(const judge::DatasetInput& input, int64_t fallback = kDefaultMaxNewTokens) {
  return input.max_new_tokens > 0 ? input.max_new_tokens : fallback;
}

// kind: none | ranger | maximals | global_clipper | ft2 | ft2_offline;
// policy: clip_to_bound | clip_to_zero. `bounds_path` is read for the
// offline kinds only. Throws beamline::Error naming the bad value or file.
engine::ProtectionSetup make_protection_setup(const std::string& kind, const std::string& policy, double scale,
                                              const std::string& bounds_path);

// The sites of trials first..first+count-1 of `cell`, drawn on the
// UNPROTECTED golden run of the input (its shape must not depend on the
// protection under test: every protection sees the same site).
std::vector<engine::TrialRequest> draw_trial_requests(const engine::TransientCell& cell, uint64_t seed,
                                                      uint64_t first, uint64_t count,
                                                      const engine::GoldenRun& unprotected,
                                                      const runtime::LoadedModel& model);

}  // namespace beamline::units
