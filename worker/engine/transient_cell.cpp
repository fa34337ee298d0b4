#include "worker/engine/transient_cell.h"

#include <fmt/core.h>

namespace beamline::engine {

std::string TransientCell::key() const {
  return fmt::format("transient|model={}|dataset={}|fault={}|sampling={}|targets={}", model, dataset,
                     fault::to_string(fault), sites::to_string(sampling), format_targets(targets));
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
