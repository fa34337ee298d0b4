#pragma once
// Offline bound profiling (`beamline profile`): fault-free generation over
// a dataset with a recorder at every hook point.
#include <functional>

#include "worker/engine/golden_run.h"
#include "worker/protection/layer_bounds.h"

namespace beamline::engine {

// Runs every input of `inputs` (already limited by the caller) and returns
// the min/max of every hook point. Inputs with their own max_new_tokens
// use it; the others use settings.max_new_tokens. `progress` (may be empty) is told
// (done, total) after each input.
protection::LayerBounds profile_bounds(runtime::LoadedModel& model, const std::vector<judge::DatasetInput>& inputs,
                                       const GenerationSettings& settings,
                                       const std::function<void(size_t, size_t)>& progress = {});

}  // namespace beamline::engine
