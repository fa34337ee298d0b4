#pragma once
// What one forward step carries through the blocks, and the single function
// every hook-point output passes through (precision rounding, then hooks).
#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

#include "worker/runtime/hooks.h"
#include "worker/runtime/numerics.h"

namespace beamline::runtime {

// Sees the hidden state [batch, n, d] entering each block it runs.
using BlockInputObserver = std::function<void(int64_t block, const at::Tensor& hidden)>;

struct ForwardContext {
  int64_t step = 0;
  const HookSet* hooks = nullptr;  // null or empty: no hooks
  const Numerics* numerics = nullptr;
  // Resume: start at block first_block from first_hidden (the hidden state
  // entering it) instead of embedding the ids; blocks before it are not run
  // and their cache columns are left as they are.
  int64_t first_block = 0;
  const at::Tensor* first_hidden = nullptr;
  const BlockInputObserver* on_block_input = nullptr;  // null: nobody watches
  int64_t attention_columns = 0;  // StepOptions::attention_columns
  const std::vector<int64_t>* row_first_block = nullptr;  // StepOptions::row_first_block; null: none
};

// Rounds `output` to the run precision (float16 emulation), then runs the
// hooks attached at `point`. Returns the tensor the forward pass continues
// with. Emulation rounds before the hooks so that hooks see (and bit flips
// act on) float16 encodings.
inline at::Tensor at_hook_point(at::Tensor output, const HookPoint& point, const ForwardContext& ctx) {
  output = ctx.numerics->round(output);
  if (ctx.hooks != nullptr && ctx.hooks->has(point)) ctx.hooks->run(point, ctx.step, output);
  return output;
}

// A linear layer whose output is a hook point. bias may be undefined.
at::Tensor hooked_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                         const HookPoint& point, const ForwardContext& ctx);

}  // namespace beamline::runtime
