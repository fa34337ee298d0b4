#pragma once
// Position chunks of a resumed prefill (the trial engine's chunked
// prefill, trial_pass.cpp): the prompt's positions split into consecutive
// chunks, each run as one forward step over the batch, a trial joining the
// batch at the chunk that holds its fault's position. Positions before a
// fault are fault-free, so a trial that joins late has the control row's
// state up to there.
//
// Why it equals the whole prefill, bit for bit: attention is causal and
// every chunk's softmax spans the whole prompt's (masked) columns
// (StepOptions::attention_columns), and rows of a linear do not depend on
// how many rows it has (worker/runtime/blas_kernels.h). The exception is a
// value the fault makes non-finite in a value cache entry: a masked
// column's probability is 0, and 0 x inf is NaN, so in the whole prefill
// such an entry reaches earlier positions too; rows with one are run again
// whole (non_finite_values).
#include <cstdint>
#include <optional>
#include <vector>

#include "common/sites/activation_site.h"
#include "worker/modelio/model_config.h"
#include "worker/runtime/kv_cache.h"

namespace beamline::engine {

// {0, b1, ..., prompt_length}: `chunks` chunks of nearly equal length (fewer
// when the prompt is shorter), each at least one position.
std::vector<int64_t> prefill_chunk_bounds(int64_t prompt_length, int64_t chunks);

// The chunk holding `position` (positions past the prompt: the last one).
size_t chunk_of(const std::vector<int64_t>& bounds, int64_t position);

// The prompt position a step-0 site's element lies at (index / width of its
// layer's output); 0 for a layer this model does not have, so such a site
// joins at the first chunk and fails there as it would in a whole prefill.
int64_t site_position(const modelio::ModelConfig& config, const sites::ActivationSite& site);

// The site as seen by a chunk's step [first, end): its index counted from
// the chunk's first position, or nullopt when its position is outside.
std::optional<sites::ActivationSite> site_in_chunk(const modelio::ModelConfig& config,
                                                   const sites::ActivationSite& site, int64_t first, int64_t end);

// Per row of `cache`: whether any value entry of the layers from
// `first_layer` in columns [0, columns) is not finite. [batch] bool on the
// CPU.
std::vector<bool> non_finite_values(const runtime::KVCache& cache, int64_t first_layer, int64_t columns);

}  // namespace beamline::engine
