#include "worker/runtime/layers.h"

#include <torch/torch.h>

#include "common/error.h"

namespace beamline::runtime {

Activation parse_activation(const std::string& name, const std::string& field) {
  if (name == "silu" || name == "swish") return Activation::silu;
  if (name == "relu") return Activation::relu;
  if (name == "gelu") return Activation::gelu;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return Activation::gelu_tanh;
  throw Error("config.json: " + field + " '" + name + "' is not implemented (expected silu, relu, gelu or gelu_new)");
}

at::Tensor activate(const at::Tensor& x, Activation activation) {
  switch (activation) {
    case Activation::silu:
      return at::silu(x);
    case Activation::relu:
      return at::relu(x);
    case Activation::gelu:
      return at::gelu(x);
    case Activation::gelu_tanh:
      return at::gelu(x, "tanh");
  }
  return x;
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const at::Tensor h = x.to(at::kFloat);
  const at::Tensor normed = h * at::rsqrt(h.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return weight * normed.to(x.scalar_type());
}

at::Tensor layer_norm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps) {
  const auto up = [](const at::Tensor& t) { return t.defined() ? t.to(at::kFloat) : t; };
  return at::layer_norm(x.to(at::kFloat), {x.size(-1)}, up(weight), up(bias), eps).to(x.scalar_type());
}

at::Tensor hooked_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                         const HookPoint& point, const ForwardContext& ctx) {
  return at_hook_point(at::linear(x, weight, bias), point, ctx);
}

}  // namespace beamline::runtime
