#pragma once
// Drawing activation-fault sites for a trial from its counter-based stream
// (DESIGN.md "Determinism"): the draw depends only on the rng and on the
// golden run's shape, never on the protection, so every protection of a
// cell is tested on the same sites.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/fault/fault_model.h"
#include "common/fault/numeric_format.h"
#include "common/rng.h"
#include "common/sites/activation_site.h"

namespace beamline::sites {

// compute: every element every targeted hook point produces over the whole
//   generation is equally likely (sites follow compute, like a particle).
// layer: targeted (block, layer) pairs equally likely, then uniform over
//   that layer's elements in the whole generation.
enum class SiteSampling { compute, layer };

SiteSampling parse_site_sampling(std::string_view name);  // throws beamline::Error
std::string to_string(SiteSampling sampling);

// One targeted hook point and how many features it outputs per position.
struct TargetLayer {
  int64_t block = 0;
  std::string layer;
  int64_t width = 0;
};

// The golden run's shape: the prompt length (positions computed at step 0)
// and the number of generation steps (each later step computes one
// position). steps >= 1.
struct GenerationShape {
  int64_t prompt_length = 0;
  int64_t steps = 0;
};

// Positions the step computes for one sequence.
int64_t positions_at_step(const GenerationShape& shape, int64_t step);

// Draws the location, then the bit mask for `fault_model` in `format`.
// Throws beamline::Error when there is nothing to target.
ActivationSite draw_activation_site(CounterRng& rng, const GenerationShape& shape,
                                    const std::vector<TargetLayer>& targets, SiteSampling sampling,
                                    fault::FaultModel fault_model, fault::NumericFormat format);

}  // namespace beamline::sites
