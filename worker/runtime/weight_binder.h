#pragma once
// Takes an architecture's tensors from the TensorStore by HF name, checks
// their shapes (the store throws beamline::Error naming the tensor), converts
// them to the compute dtype when needed and records them as the model's
// weights.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "worker/modelio/tensor_store.h"
#include "worker/runtime/causal_lm.h"

namespace beamline::runtime {

class WeightBinder {
 public:
  WeightBinder(const modelio::TensorStore& store, const Numerics& numerics, std::vector<NamedWeight>& out)
      : store_(store), numerics_(numerics), out_(out) {}

  at::Tensor required(const std::string& name, const std::vector<int64_t>& shape, Component component);
  // Undefined tensor when the store lacks `name`.
  at::Tensor optional(const std::string& name, const std::vector<int64_t>& shape, Component component);
  // required() when `needed`, else optional().
  at::Tensor bias(const std::string& name, int64_t size, Component component, bool needed);
  bool contains(const std::string& name) const { return store_.contains(name); }

 private:
  const modelio::TensorStore& store_;
  const Numerics& numerics_;
  std::vector<NamedWeight>& out_;
};

}  // namespace beamline::runtime
