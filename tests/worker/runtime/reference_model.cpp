#include "tests/worker/runtime/reference_model.h"

#include <torch/torch.h>

#include <cmath>

namespace beamline::runtime::testing {
namespace {

at::Tensor affine(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias = {}) {
  at::Tensor y = torch::mm(x, weight.t());
  return bias.defined() ? y + bias : y;
}

at::Tensor rms(const at::Tensor& x, const at::Tensor& weight, double eps) {
  return x / torch::sqrt((x * x).mean(-1, true) + eps) * weight;
}

at::Tensor plain_layer_norm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  const at::Tensor mean = x.mean(-1, true);
  const at::Tensor var = ((x - mean) * (x - mean)).mean(-1, true);
  return (x - mean) / torch::sqrt(var + 1e-5) * weight + bias;
}

// Rotate each pair (i, i + D/2) of every head at position p by p * theta^(-2i/D).
at::Tensor rope(const at::Tensor& x, double theta) {
  const int64_t t = x.size(0);
  const int64_t heads = x.size(1);
  const int64_t dim = x.size(2);
  at::Tensor out = x.clone();
  auto in_a = x.accessor<double, 3>();
  auto out_a = out.accessor<double, 3>();
  for (int64_t p = 0; p < t; ++p) {
    for (int64_t i = 0; i < dim / 2; ++i) {
      // float32 frequencies, as HF computes inv_freq in float32.
      const float inv_freq = 1.0f / static_cast<float>(std::pow(theta, static_cast<double>(2 * i) / dim));
      const double angle = static_cast<double>(p) * static_cast<double>(inv_freq);
      for (int64_t h = 0; h < heads; ++h) {
        const double a = in_a[p][h][i];
        const double b = in_a[p][h][i + dim / 2];
        out_a[p][h][i] = a * std::cos(angle) - b * std::sin(angle);
        out_a[p][h][i + dim / 2] = b * std::cos(angle) + a * std::sin(angle);
      }
    }
  }
  return out;
}

}  // namespace

ReferenceModel::ReferenceModel(TinySpec spec, const RawWeights& weights) : spec_(std::move(spec)) {
  for (const auto& [name, tensor] : weights) weights_[name] = tensor.to(torch::kDouble);
}

at::Tensor ReferenceModel::w(const std::string& name) const {
  const auto it = weights_.find(name);
  return it == weights_.end() ? at::Tensor() : it->second;
}

at::Tensor ReferenceModel::attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
                                  int64_t window) const {
  const int64_t t = q.size(0);
  const int64_t heads = q.size(1);
  const int64_t group = heads / k.size(1);
  std::vector<at::Tensor> outputs;
  for (int64_t h = 0; h < heads; ++h) {
    const at::Tensor qh = q.select(1, h);          // [t, D]
    const at::Tensor kh = k.select(1, h / group);  // [t, D]
    const at::Tensor vh = v.select(1, h / group);
    at::Tensor scores = torch::mm(qh, kh.t()) * scale;  // [t, t]
    at::Tensor allowed = torch::zeros({t, t}, torch::kBool);
    for (int64_t i = 0; i < t; ++i) {
      for (int64_t j = 0; j <= i; ++j) {
        if (window <= 0 || i - j < window) allowed[i][j] = true;
      }
    }
    scores = scores.masked_fill(allowed.logical_not(), -1e300);
    const at::Tensor e = torch::exp(scores - std::get<0>(scores.max(-1, true)));
    outputs.push_back(torch::mm(e / e.sum(-1, true), vh));
  }
  return torch::cat(outputs, -1);  // [t, heads * D]
}

at::Tensor ReferenceModel::hidden_llama(const std::vector<int64_t>& ids) const {
  const int64_t t = static_cast<int64_t>(ids.size());
  const int64_t dim = spec_.head_dim();
  at::Tensor h = w("model.embed_tokens.weight").index_select(0, torch::tensor(ids, torch::kLong));
  for (int64_t i = 0; i < spec_.num_layers; ++i) {
    const std::string l = "model.layers." + std::to_string(i) + ".";
    const at::Tensor x = rms(h, w(l + "input_layernorm.weight"), spec_.rms_norm_eps);
    const at::Tensor q = affine(x, w(l + "self_attn.q_proj.weight"), w(l + "self_attn.q_proj.bias"));
    const at::Tensor k = affine(x, w(l + "self_attn.k_proj.weight"), w(l + "self_attn.k_proj.bias"));
    const at::Tensor v = affine(x, w(l + "self_attn.v_proj.weight"), w(l + "self_attn.v_proj.bias"));
    int64_t window = 0;
    if (spec_.sliding_window) {
      const bool windowed = spec_.architecture != "Qwen2ForCausalLM" || i >= spec_.max_window_layers;
      if (windowed) window = *spec_.sliding_window;
    }
    const at::Tensor attn = attend(rope(q.view({t, spec_.num_heads, dim}), spec_.rope_theta),
                                   rope(k.view({t, spec_.num_kv_heads, dim}), spec_.rope_theta),
                                   v.view({t, spec_.num_kv_heads, dim}), 1.0 / std::sqrt(double(dim)), window);
    h = h + affine(attn, w(l + "self_attn.o_proj.weight"), w(l + "self_attn.o_proj.bias"));
    const at::Tensor y = rms(h, w(l + "post_attention_layernorm.weight"), spec_.rms_norm_eps);
    const at::Tensor gate = affine(y, w(l + "mlp.gate_proj.weight"));
    const at::Tensor silu = gate / (1.0 + torch::exp(-gate));
    h = h + affine(silu * affine(y, w(l + "mlp.up_proj.weight")), w(l + "mlp.down_proj.weight"));
  }
  return rms(h, w("model.norm.weight"), spec_.rms_norm_eps);
}

at::Tensor ReferenceModel::hidden_opt(const std::vector<int64_t>& ids) const {
  const std::string r = "model.decoder.";
  const int64_t t = static_cast<int64_t>(ids.size());
  const int64_t d = spec_.hidden_size;
  const int64_t dim = spec_.head_dim();
  at::Tensor tokens = w(r + "embed_tokens.weight").index_select(0, torch::tensor(ids, torch::kLong));
  if (w(r + "project_in.weight").defined()) tokens = affine(tokens, w(r + "project_in.weight"));
  at::Tensor h = tokens + w(r + "embed_positions.weight").narrow(0, 2, t);  // positions 0.. at offset 2
  for (int64_t i = 0; i < spec_.num_layers; ++i) {
    const std::string l = r + "layers." + std::to_string(i) + ".";
    const auto proj = [&](const at::Tensor& x, const std::string& name) {
      return affine(x, w(l + "self_attn." + name + ".weight"), w(l + "self_attn." + name + ".bias"));
    };
    const at::Tensor x = plain_layer_norm(h, w(l + "self_attn_layer_norm.weight"), w(l + "self_attn_layer_norm.bias"));
    const at::Tensor q = proj(x, "q_proj").view({t, spec_.num_heads, dim});
    const at::Tensor k = proj(x, "k_proj").view({t, spec_.num_heads, dim});
    const at::Tensor v = proj(x, "v_proj").view({t, spec_.num_heads, dim});
    h = h + proj(attend(q, k, v, 1.0 / std::sqrt(double(dim)), 0), "out_proj");
    const at::Tensor y = plain_layer_norm(h, w(l + "final_layer_norm.weight"), w(l + "final_layer_norm.bias"));
    const at::Tensor hidden = torch::relu(affine(y, w(l + "fc1.weight"), w(l + "fc1.bias")));
    h = h + affine(hidden, w(l + "fc2.weight"), w(l + "fc2.bias"));
  }
  h = plain_layer_norm(h, w(r + "final_layer_norm.weight"), w(r + "final_layer_norm.bias"));
  if (w(r + "project_out.weight").defined()) h = affine(h, w(r + "project_out.weight"));
  (void)d;
  return h;
}

at::Tensor ReferenceModel::logits(const std::vector<int64_t>& ids) const {
  std::vector<at::Tensor> rows;
  for (size_t t = 1; t <= ids.size(); ++t) {
    const std::vector<int64_t> prefix(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(t));
    const at::Tensor hidden = spec_.is_opt() ? hidden_opt(prefix) : hidden_llama(prefix);
    at::Tensor head = w("lm_head.weight");
    if (!head.defined()) head = w(spec_.is_opt() ? "model.decoder.embed_tokens.weight" : "model.embed_tokens.weight");
    rows.push_back(affine(hidden.select(0, hidden.size(0) - 1).unsqueeze(0), head));
  }
  return torch::cat(rows, 0);
}

std::vector<int64_t> ReferenceModel::greedy(const std::vector<int64_t>& prompt, int64_t max_new, int64_t eos) const {
  std::vector<int64_t> seq = prompt;
  std::vector<int64_t> out;
  for (int64_t i = 0; i < max_new; ++i) {
    const std::vector<int64_t> last(seq);
    const at::Tensor hidden = spec_.is_opt() ? hidden_opt(last) : hidden_llama(last);
    at::Tensor head = w("lm_head.weight");
    if (!head.defined()) head = w(spec_.is_opt() ? "model.decoder.embed_tokens.weight" : "model.embed_tokens.weight");
    const int64_t next = affine(hidden.select(0, hidden.size(0) - 1).unsqueeze(0), head).argmax(-1).item<int64_t>();
    out.push_back(next);
    seq.push_back(next);
    if (next == eos) break;
  }
  return out;
}

}  // namespace beamline::runtime::testing
