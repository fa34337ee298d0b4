#include "worker/runtime/weight_binder.h"

#include <torch/torch.h>

namespace beamline::runtime {

at::Tensor WeightBinder::required(const std::string& name, const std::vector<int64_t>& shape, Component component) {
  at::Tensor tensor = store_.get(name, shape);
  // load_weights() already stores the compute dtype (float16-emulated runs:
  // float32 holding float16-representable values), so this normally shares
  // the store's tensor; a store filled by hand is converted.
  if (tensor.scalar_type() != numerics_.compute_dtype) tensor = tensor.to(numerics_.compute_dtype);
  out_.push_back({name, tensor, component});
  return tensor;
}

at::Tensor WeightBinder::optional(const std::string& name, const std::vector<int64_t>& shape, Component component) {
  if (!store_.contains(name)) return {};
  return required(name, shape, component);
}

at::Tensor WeightBinder::bias(const std::string& name, int64_t size, Component component, bool needed) {
  return needed ? required(name, {size}, component) : optional(name, {size}, component);
}

}  // namespace beamline::runtime
