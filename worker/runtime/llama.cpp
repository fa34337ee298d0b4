#include "worker/runtime/llama.h"

#include <torch/torch.h>

#include <cmath>

#include "worker/runtime/attention.h"
#include "worker/runtime/block_rows.h"
#include "worker/runtime/layers.h"
#include "worker/runtime/rotary.h"
#include "worker/runtime/weight_binder.h"

namespace beamline::runtime {
namespace {

struct LlamaBlock {
  at::Tensor input_norm, post_norm;
  at::Tensor q_w, q_b, k_w, k_b, v_w, v_b, o_w, o_b;
  at::Tensor gate_w, gate_b, up_w, up_b, down_w, down_b;
};

class LlamaModel : public CausalLM {
 public:
  LlamaModel(const modelio::ModelConfig& config, const modelio::TensorStore& store, const Numerics& numerics,
             at::Device device);

 protected:
  at::Tensor forward_hidden(const at::Tensor& input_ids, KVCache& cache, int64_t start,
                            const ForwardContext& ctx) const override;
  const at::Tensor& lm_head_weight() const override { return lm_head_; }
  KVCacheShape cache_shape() const override {
    return {config().num_hidden_layers, config().num_key_value_heads, config().head_dim};
  }

 private:
  at::Tensor block_forward(int64_t index, const at::Tensor& hidden, KVCache& cache, const RotaryTables& rotary,
                           const at::Tensor& allowed, const ForwardContext& ctx) const;
  bool windowed(int64_t index) const {
    return config().sliding_window.has_value() && index >= config().sliding_window_first_layer;
  }

  Activation activation_;
  at::Tensor embed_, final_norm_, lm_head_, inv_freq_;
  std::vector<LlamaBlock> blocks_;
};

LlamaModel::LlamaModel(const modelio::ModelConfig& c, const modelio::TensorStore& store, const Numerics& numerics,
                       at::Device device)
    : CausalLM(c, numerics, device), activation_(parse_activation(c.hidden_act, "hidden_act")) {
  WeightBinder load(store, numerics, weights_);
  const int64_t d = c.hidden_size;
  const int64_t q_dim = c.num_attention_heads * c.head_dim;
  const int64_t kv_dim = c.num_key_value_heads * c.head_dim;
  const int64_t ffn = c.intermediate_size;
  const auto A = Component::attention;
  const auto F = Component::feed_forward;
  const auto N = Component::norm;

  embed_ = load.required("model.embed_tokens.weight", {c.vocab_size, d}, Component::embedding);
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    LlamaBlock b;
    b.input_norm = load.required(p + "input_layernorm.weight", {d}, N);
    b.q_w = load.required(p + "self_attn.q_proj.weight", {q_dim, d}, A);
    b.q_b = load.bias(p + "self_attn.q_proj.bias", q_dim, A, c.attention_bias);
    b.k_w = load.required(p + "self_attn.k_proj.weight", {kv_dim, d}, A);
    b.k_b = load.bias(p + "self_attn.k_proj.bias", kv_dim, A, c.attention_bias);
    b.v_w = load.required(p + "self_attn.v_proj.weight", {kv_dim, d}, A);
    b.v_b = load.bias(p + "self_attn.v_proj.bias", kv_dim, A, c.attention_bias);
    b.o_w = load.required(p + "self_attn.o_proj.weight", {d, q_dim}, A);
    b.o_b = load.bias(p + "self_attn.o_proj.bias", d, A, c.o_proj_bias);
    b.post_norm = load.required(p + "post_attention_layernorm.weight", {d}, N);
    b.gate_w = load.required(p + "mlp.gate_proj.weight", {ffn, d}, F);
    b.gate_b = load.bias(p + "mlp.gate_proj.bias", ffn, F, c.mlp_bias);
    b.up_w = load.required(p + "mlp.up_proj.weight", {ffn, d}, F);
    b.up_b = load.bias(p + "mlp.up_proj.bias", ffn, F, c.mlp_bias);
    b.down_w = load.required(p + "mlp.down_proj.weight", {d, ffn}, F);
    b.down_b = load.bias(p + "mlp.down_proj.bias", d, F, c.mlp_bias);
    blocks_.push_back(std::move(b));
  }
  final_norm_ = load.required("model.norm.weight", {d}, N);
  lm_head_ = c.tie_word_embeddings ? embed_ : load.required("lm_head.weight", {c.vocab_size, d}, Component::lm_head);
  inv_freq_ = rotary_inv_freq(c.head_dim, c.rope_theta, device);
}

at::Tensor LlamaModel::forward_hidden(const at::Tensor& input_ids, KVCache& cache, int64_t start,
                                      const ForwardContext& ctx) const {
  const int64_t n = input_ids.size(1);
  // Padding columns get position 0; they are masked out as keys, and their
  // own outputs are never read.
  const at::Tensor positions = cache.positions(start, n).clamp_min(0);
  const RotaryTables rotary = rotary_tables(positions, inv_freq_, numerics().compute_dtype);
  const at::Tensor allowed_full = attention_allowed(cache, start, n, std::nullopt, ctx.attention_columns);
  // Mistral windows every layer; Qwen2 only from max_window_layers on.
  const at::Tensor allowed_window =
      config().sliding_window ? attention_allowed(cache, start, n, config().sliding_window, ctx.attention_columns) : allowed_full;

  const BlockRows rows(ctx.row_first_block, input_ids.size(0));
  const auto first_rows = BlockRows::first_rows;
  const int64_t starting = rows.running(ctx.first_block);
  at::Tensor hidden = ctx.first_hidden != nullptr ? first_rows(*ctx.first_hidden, starting).to(device()).contiguous()
                                                  : at::embedding(embed_, first_rows(input_ids, starting));
  const auto blocks = static_cast<int64_t>(blocks_.size());
  for (int64_t i = ctx.first_block; i < blocks; ++i) {
    hidden = rows.join(hidden, i);
    if (ctx.on_block_input != nullptr) (*ctx.on_block_input)(i, hidden);
    const int64_t r = hidden.size(0);
    const RotaryTables block_rotary{first_rows(rotary.cos, r), first_rows(rotary.sin, r)};
    hidden = block_forward(i, hidden, cache, block_rotary, first_rows(windowed(i) ? allowed_window : allowed_full, r),
                           ctx);
  }
  hidden = rows.join(hidden, blocks);
  return numerics().round(rms_norm(hidden, final_norm_, config().rms_norm_eps));
}

at::Tensor LlamaModel::block_forward(int64_t index, const at::Tensor& hidden, KVCache& cache,
                                     const RotaryTables& rotary, const at::Tensor& allowed,
                                     const ForwardContext& ctx) const {
  const LlamaBlock& b = blocks_[static_cast<size_t>(index)];
  const Numerics& num = numerics();
  const auto& c = config();
  using K = LayerKind;

  const at::Tensor x = num.round(rms_norm(hidden, b.input_norm, c.rms_norm_eps));
  const at::Tensor q = hooked_linear(x, b.q_w, b.q_b, {index, K::q_proj}, ctx);
  const at::Tensor k = hooked_linear(x, b.k_w, b.k_b, {index, K::k_proj}, ctx);
  const at::Tensor v = hooked_linear(x, b.v_w, b.v_b, {index, K::v_proj}, ctx);
  const at::Tensor qh = num.round(apply_rotary(split_heads(q, c.num_attention_heads, c.head_dim), rotary));
  const at::Tensor kh = num.round(apply_rotary(split_heads(k, c.num_key_value_heads, c.head_dim), rotary));
  cache.store(index, kh, split_heads(v, c.num_key_value_heads, c.head_dim));
  const double scale = 1.0 / std::sqrt(static_cast<double>(c.head_dim));
  const at::Tensor attn = cached_attention(qh, cache, index, allowed, scale, num);
  const at::Tensor o = hooked_linear(attn, b.o_w, b.o_b, {index, K::o_proj}, ctx);
  const at::Tensor mid = num.round(hidden + o);

  const at::Tensor y = num.round(rms_norm(mid, b.post_norm, c.rms_norm_eps));
  const at::Tensor gate = hooked_linear(y, b.gate_w, b.gate_b, {index, K::gate_proj}, ctx);
  const at::Tensor up = hooked_linear(y, b.up_w, b.up_b, {index, K::up_proj}, ctx);
  const at::Tensor act = at_hook_point(activate(gate, activation_), {index, K::act}, ctx);
  const at::Tensor down = hooked_linear(num.round(act * up), b.down_w, b.down_b, {index, K::down_proj}, ctx);
  return num.round(mid + down);
}

}  // namespace

std::unique_ptr<CausalLM> make_llama(const modelio::ModelConfig& config, const modelio::TensorStore& store,
                                     const modelio::Placement& placement) {
  return std::make_unique<LlamaModel>(config, store, make_numerics(placement), placement.device);
}

}  // namespace beamline::runtime
