#include "common/sites/site_sampler.h"

#include <fmt/core.h>

#include "common/error.h"
#include "common/fault/fault_mask.h"

namespace beamline::sites {
namespace {

// All positions a sequence computes over the generation: the prompt at the
// prefill, then one per later step.
int64_t total_positions(const GenerationShape& shape) { return shape.prompt_length + (shape.steps - 1); }

// Maps a position counted over the whole generation to (step, position in step).
std::pair<int64_t, int64_t> step_of_position(const GenerationShape& shape, int64_t position) {
  if (position < shape.prompt_length) return {0, position};
  return {1 + (position - shape.prompt_length), 0};
}

void check_shape(const GenerationShape& shape, const std::vector<TargetLayer>& targets) {
  if (shape.prompt_length < 1 || shape.steps < 1) {
    throw Error(fmt::format("site sampling: expected a prompt and at least one step, got prompt_length={} steps={}",
                            shape.prompt_length, shape.steps));
  }
  if (targets.empty()) throw Error("site sampling: no targeted layers (check the targets' layers and blocks)");
  for (const auto& t : targets) {
    if (t.width < 1) throw Error(fmt::format("site sampling: layer {} of block {} has width {}", t.layer, t.block, t.width));
  }
}

ActivationSite locate(const GenerationShape& shape, const TargetLayer& target, int64_t element) {
  // element runs over (position over the generation, feature).
  const int64_t position = element / target.width;
  const int64_t feature = element % target.width;
  const auto [step, position_in_step] = step_of_position(shape, position);
  ActivationSite site;
  site.step = step;
  site.block = target.block;
  site.layer = target.layer;
  site.index = position_in_step * target.width + feature;
  return site;
}

}  // namespace

SiteSampling parse_site_sampling(std::string_view name) {
  if (name == "compute") return SiteSampling::compute;
  if (name == "layer") return SiteSampling::layer;
  throw Error(fmt::format("site sampling '{}': expected compute or layer", name));
}

std::string to_string(SiteSampling sampling) {
  return sampling == SiteSampling::compute ? "compute" : "layer";
}

int64_t positions_at_step(const GenerationShape& shape, int64_t step) {
  return step == 0 ? shape.prompt_length : 1;
}

ActivationSite draw_activation_site(CounterRng& rng, const GenerationShape& shape,
                                    const std::vector<TargetLayer>& targets, SiteSampling sampling,
                                    fault::FaultModel fault_model, fault::NumericFormat format) {
  check_shape(shape, targets);
  const int64_t positions = total_positions(shape);
  ActivationSite site;
  if (sampling == SiteSampling::layer) {
    const TargetLayer& target = targets[rng.uniform_below(targets.size())];
    site = locate(shape, target, static_cast<int64_t>(rng.uniform_below(static_cast<uint64_t>(positions * target.width))));
  } else {
    // Every step computes every targeted layer, so one uniform draw over
    // sum(width) * positions elements decodes to (layer, position, feature).
    int64_t width_sum = 0;
    for (const auto& t : targets) width_sum += t.width;
    int64_t element = static_cast<int64_t>(rng.uniform_below(static_cast<uint64_t>(width_sum * positions)));
    const int64_t position = element / width_sum;
    int64_t feature_in_sum = element % width_sum;
    size_t which = 0;
    while (feature_in_sum >= targets[which].width) feature_in_sum -= targets[which++].width;
    site = locate(shape, targets[which], position * targets[which].width + feature_in_sum);
  }
  // Throws for weight-fault models, which have no per-element mask.
  site.bits = fault::draw_fault_mask(fault_model, format, rng);
  return site;
}

}  // namespace beamline::sites
