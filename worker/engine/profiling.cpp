#include "worker/engine/profiling.h"

#include "worker/engine/greedy_decoder.h"
#include "worker/protection/bound_recorder.h"

namespace beamline::engine {

protection::LayerBounds profile_bounds(runtime::LoadedModel& model, const std::vector<judge::DatasetInput>& inputs,
                                       const GenerationSettings& settings,
                                       const std::function<void(size_t, size_t)>& progress) {
  auto recorder = std::make_shared<protection::BoundRecorder>();
  runtime::HookSet hooks;
  hooks.attach_everywhere(recorder);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int64_t budget = inputs[i].max_new_tokens > 0 ? inputs[i].max_new_tokens : settings.max_new_tokens;
    generate_single(model, model.encode(inputs[i].prompt), &hooks, budget);
    if (progress) progress(i + 1, inputs.size());
  }
  protection::LayerBounds bounds = recorder->bounds();
  bounds.metadata.model = model.directory();
  bounds.metadata.dtype = model.dtype_label();
  bounds.metadata.inputs = static_cast<int64_t>(inputs.size());
  return bounds;
}

}  // namespace beamline::engine
