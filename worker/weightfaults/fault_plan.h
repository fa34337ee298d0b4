#pragma once
// Drawing a weight-fault trial's faults: count first, then positions.
//
// bit_error_rate: each bit of each selected element flips independently
// with probability p. The flat index space is every bit of the selection
// (tensor by tensor, element-major, bit 0 = lowest mantissa bit of the
// fault format); K ~ Binomial(total bits, p) positions are drawn without
// replacement and grouped into one XOR mask per element.
// value_uniform01: each selected element is replaced, with probability p,
// by a uniform (0, 1) value rounded to the element's format (redrawn in the
// rare case it rounds to 0 or 1); K ~ Binomial(total elements, p).
//
// A plan is data only (no tensors), a pure function of the generator's
// stream and the selection's shape, so it can be tested and stored without
// a model.
#include <cstdint>
#include <vector>

#include "common/fault/fault_model.h"
#include "common/rng.h"
#include "worker/weightfaults/storage_encoding.h"

namespace beamline::weightfaults {

// What the plan needs to know about one selected tensor.
struct TensorExtent {
  int64_t elements = 0;
  StorageEncoding encoding = StorageEncoding::fp32;
};

struct ElementFault {
  uint32_t tensor = 0;  // index into the selection
  int64_t element = 0;  // flat (row-major) element index
  // bit_error_rate: the XOR mask; value_uniform01: the replacement's
  // encoding. Both in the bits of fault_format(encoding).
  uint32_t bits = 0;
};

struct FaultPlan {
  fault::FaultModel model = fault::FaultModel::bit_error_rate;
  double rate = 0.0;
  uint64_t population = 0;   // bits (bit_error_rate) or elements (value_uniform01) selected
  uint64_t fault_count = 0;  // bits flipped or elements replaced: the binomial draw
  std::vector<ElementFault> faults;  // one per touched element, ordered by (tensor, element)
};

// Throws beamline::Error for a fault model other than bit_error_rate and
// value_uniform01, or a rate outside [0, 1].
FaultPlan draw_fault_plan(CounterRng& rng, const std::vector<TensorExtent>& selection, fault::FaultModel model,
                          double rate);

// A uniform (0, 1) value in `encoding`'s fault format (its bits).
uint32_t draw_uniform01_bits(CounterRng& rng, StorageEncoding encoding);

}  // namespace beamline::weightfaults
