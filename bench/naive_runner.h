#pragma once
// The naive engine the FT2 study's harness amounts to: one trial is one
// full generation from scratch at batch 1 with the injector and the
// protection attached as hooks, judged against a fault-free generation of
// the same input. Written only on the runtime's public API (generate and
// hooks), so the benchmark compares the engine with what a user would
// write without it.
#include <vector>

#include "common/sites/activation_site.h"
#include "worker/engine/golden_run.h"
#include "worker/engine/outcome.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::bench {

struct NaiveGolden {
  std::vector<int64_t> prompt_ids;
  std::vector<int64_t> tokens;
};

// The fault-free generation under `setup`'s protection.
NaiveGolden naive_golden(runtime::LoadedModel& model, const judge::DatasetInput& input,
                         const engine::ProtectionSetup& setup);

// One trial: outcome against `golden` (due: a non-finite logit).
engine::Outcome naive_trial(runtime::LoadedModel& model, const judge::DatasetInput& input,
                            const engine::ProtectionSetup& setup, const NaiveGolden& golden,
                            const sites::ActivationSite& site);

}  // namespace beamline::bench
