#include "worker/training/model_init.h"

#include <torch/torch.h>

#include <cmath>

namespace beamline::training {
namespace {

constexpr double kInitStd = 0.02;
constexpr int64_t kOptPositionOffset = 2;

class WeightList {
 public:
  explicit WeightList(const ModelShape& shape)
      : residual_std_(kInitStd / std::sqrt(2.0 * static_cast<double>(shape.layers))) {}

  void normal(const std::string& name, std::vector<int64_t> shape) { add(name, at::randn(shape) * kInitStd); }
  void residual(const std::string& name, std::vector<int64_t> shape) { add(name, at::randn(shape) * residual_std_); }
  void zeros(const std::string& name, int64_t size) { add(name, at::zeros({size})); }
  void ones(const std::string& name, int64_t size) { add(name, at::ones({size})); }
  modelio::NamedTensors take() { return std::move(tensors_); }

 private:
  void add(const std::string& name, at::Tensor t) { tensors_.emplace_back(name, t.to(at::kFloat).contiguous()); }
  double residual_std_;
  modelio::NamedTensors tensors_;
};

modelio::NamedTensors llama_weights(const ModelShape& s) {
  WeightList w(s);
  const int64_t d = s.hidden;
  const int64_t q_dim = s.heads * s.attention_head_dim();
  const int64_t kv_dim = s.kv_heads * s.attention_head_dim();
  w.normal("model.embed_tokens.weight", {s.vocab_size, d});
  for (int64_t i = 0; i < s.layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    w.ones(p + "input_layernorm.weight", d);
    w.normal(p + "self_attn.q_proj.weight", {q_dim, d});
    w.normal(p + "self_attn.k_proj.weight", {kv_dim, d});
    w.normal(p + "self_attn.v_proj.weight", {kv_dim, d});
    w.residual(p + "self_attn.o_proj.weight", {d, q_dim});
    if (s.attention_bias) {
      w.zeros(p + "self_attn.q_proj.bias", q_dim);
      w.zeros(p + "self_attn.k_proj.bias", kv_dim);
      w.zeros(p + "self_attn.v_proj.bias", kv_dim);
      w.zeros(p + "self_attn.o_proj.bias", d);
    }
    w.ones(p + "post_attention_layernorm.weight", d);
    w.normal(p + "mlp.gate_proj.weight", {s.intermediate, d});
    w.normal(p + "mlp.up_proj.weight", {s.intermediate, d});
    w.residual(p + "mlp.down_proj.weight", {d, s.intermediate});
  }
  w.ones("model.norm.weight", d);
  return w.take();
}

modelio::NamedTensors opt_weights(const ModelShape& s) {
  WeightList w(s);
  const int64_t d = s.hidden;
  const std::string root = "model.decoder.";
  w.normal(root + "embed_tokens.weight", {s.vocab_size, d});
  w.normal(root + "embed_positions.weight", {s.max_positions + kOptPositionOffset, d});
  for (int64_t i = 0; i < s.layers; ++i) {
    const std::string p = root + "layers." + std::to_string(i) + ".";
    w.ones(p + "self_attn_layer_norm.weight", d);
    w.zeros(p + "self_attn_layer_norm.bias", d);
    for (const char* proj : {"q_proj", "k_proj", "v_proj"}) {
      w.normal(p + "self_attn." + proj + ".weight", {d, d});
      w.zeros(p + "self_attn." + proj + ".bias", d);
    }
    w.residual(p + "self_attn.out_proj.weight", {d, d});
    w.zeros(p + "self_attn.out_proj.bias", d);
    w.ones(p + "final_layer_norm.weight", d);
    w.zeros(p + "final_layer_norm.bias", d);
    w.normal(p + "fc1.weight", {s.intermediate, d});
    w.zeros(p + "fc1.bias", s.intermediate);
    w.residual(p + "fc2.weight", {d, s.intermediate});
    w.zeros(p + "fc2.bias", d);
  }
  w.ones(root + "final_layer_norm.weight", d);
  w.zeros(root + "final_layer_norm.bias", d);
  return w.take();
}

}  // namespace

modelio::NamedTensors initial_weights(const ModelShape& shape) {
  return shape.arch == TrainArch::llama ? llama_weights(shape) : opt_weights(shape);
}

}  // namespace beamline::training
