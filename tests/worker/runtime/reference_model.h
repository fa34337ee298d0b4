#pragma once
// A plain reference of the same equations, for checking the runtime: float64,
// one sequence, no padding, no KV cache -- every prefix is recomputed from
// scratch, head by head, with explicit rotary pairs and explicit masks.
#include <ATen/core/Tensor.h>

#include <vector>

#include "tests/worker/runtime/tiny_models.h"

namespace beamline::runtime::testing {

class ReferenceModel {
 public:
  ReferenceModel(TinySpec spec, const RawWeights& weights);

  // float64 [ids.size(), vocab]: row t is the next-token logits after ids[0..t].
  at::Tensor logits(const std::vector<int64_t>& ids) const;
  // Greedy continuation (position by position, each step a full recompute),
  // stopping after `eos` (included) or max_new tokens.
  std::vector<int64_t> greedy(const std::vector<int64_t>& prompt, int64_t max_new, int64_t eos) const;

 private:
  at::Tensor w(const std::string& name) const;
  at::Tensor hidden_llama(const std::vector<int64_t>& ids) const;
  at::Tensor hidden_opt(const std::vector<int64_t>& ids) const;
  // x: [t, heads, head_dim] queries, keys/values: [t, kv_heads, head_dim].
  at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
                    int64_t window) const;

  TinySpec spec_;
  RawWeights weights_;  // float64
};

}  // namespace beamline::runtime::testing
