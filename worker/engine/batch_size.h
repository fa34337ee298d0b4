#pragma once
// How many rows the trial engine runs per forward batch (control row
// included), chosen from the device and the model when the caller leaves
// EngineOptions::max_batch at 0 (`beamline trial --batch N` overrides).
//
// The rule, from measurements on a 2-core CPU (docs/performance.md):
//  1. Compute: a decode step of a small model costs about the same at 1
//     row as at many (dispatch overhead, then weight reads, dominate), so
//     wider is better until the matmuls become compute bound: on the 46M
//     bench model a decode row costs 3.1 ms at 16 rows, 2.5 at 32 and 2.0
//     at 64 (streaming and packing each weight is a fixed cost per block
//     worth 10 to 20 rows' arithmetic). Wide batches cost the prefill
//     nothing since rows skip their clean blocks (trial_types.h). CPU: 128
//     rows up to 20M parameters, 64 up to 200M, 8 above (not measured).
//     CUDA: 64 rows.
//  2. Memory: the batch's KV cache plus its prefill activations must fit a
//     budget (CPU 1 GiB, CUDA 4 GiB); rows are halved until they do.
//  3. Never fewer than 2 rows (a trial and its control).
#include <cstdint>

#include "worker/runtime/loaded_model.h"

namespace beamline::engine {

struct BatchSizeInputs {
  int64_t parameters = 0;          // numel of every weight
  int64_t bytes_per_row = 0;       // KV cache + prefill activations of one row
  bool cuda = false;
};

int64_t choose_batch_size(const BatchSizeInputs& inputs);

// The inputs for `model` generating `max_new_tokens` after `prompt_length`
// tokens.
BatchSizeInputs batch_size_inputs(const runtime::LoadedModel& model, int64_t prompt_length, int64_t max_new_tokens);

}  // namespace beamline::engine
