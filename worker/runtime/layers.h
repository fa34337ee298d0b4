#pragma once
// Stateless building blocks shared by the architectures: norms, activation
// functions and the hooked linear layer. Weights are plain tensors from the
// TensorStore; nothing here owns state.
#include <ATen/core/Tensor.h>

#include <string>

#include "worker/runtime/forward_context.h"

namespace beamline::runtime {

enum class Activation { silu, relu, gelu, gelu_tanh };
// HF names: silu/swish, relu, gelu, gelu_new/gelu_pytorch_tanh/gelu_fast.
// Throws beamline::Error naming the config field for anything else.
Activation parse_activation(const std::string& name, const std::string& field);
at::Tensor activate(const at::Tensor& x, Activation activation);

// HF LlamaRMSNorm: normalise in float32, cast back, then scale.
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
// LayerNorm over the last dim, computed in float32 (bf16 CPU kernels vary
// between LibTorch builds); weight/bias may be undefined.
at::Tensor layer_norm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps);

}  // namespace beamline::runtime
