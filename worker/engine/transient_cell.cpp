#include "worker/engine/transient_cell.h"

#include "common/campaign/cell_key.h"

namespace beamline::engine {

// The one definition of the key lives in common/campaign (the coordinator
// derives the same key from the campaign file).
std::string TransientCell::key() const {
  return campaign::transient_site_key(model, dataset, fault, sampling, to_target_set(targets));
}

sites::ActivationSite draw_site(const TransientCell& cell, uint64_t seed, uint64_t trial_index,
                                const GoldenRun& unprotected_golden, const modelio::ModelConfig& config,
                                fault::NumericFormat format) {
  CounterRng rng(seed, cell.key(), trial_index);
  const sites::GenerationShape shape{static_cast<int64_t>(unprotected_golden.prompt_ids.size()),
                                     unprotected_golden.steps};
  return sites::draw_activation_site(rng, shape, target_layers(config, cell.targets), cell.sampling, cell.fault,
                                     format);
}

}  // namespace beamline::engine
