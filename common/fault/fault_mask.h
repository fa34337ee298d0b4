#pragma once
// Choosing which bits a transient fault flips, from a trial's random stream.
// The draw uses only the rng, so the same (seed, cell key, trial index)
// always yields the same mask.
#include <cstdint>

#include "common/fault/fault_model.h"
#include "common/fault/numeric_format.h"
#include "common/rng.h"

namespace beamline::fault {

// single_bit:   one of the format's bits, each with probability 1/width.
// double_bit:   two distinct bits, each unordered pair equally likely.
// exponent_bit: one bit of the exponent field, uniformly.
// none:         the empty mask (draws nothing from rng).
// bit_error_rate and value_uniform01 are weight-fault models without a
// single per-element mask; asking for one throws beamline::Error.
std::uint32_t draw_fault_mask(FaultModel model, NumericFormat format, CounterRng& rng);

// Whether draw_fault_mask accepts the model.
bool has_element_mask(FaultModel model);

}  // namespace beamline::fault
