#include "worker/runtime/opt.h"

#include <torch/torch.h>

#include <cmath>

#include "common/error.h"
#include "worker/runtime/attention.h"
#include "worker/runtime/block_rows.h"
#include "worker/runtime/layers.h"
#include "worker/runtime/weight_binder.h"

namespace beamline::runtime {
namespace {

struct OptBlock {
  at::Tensor attn_norm_w, attn_norm_b, ffn_norm_w, ffn_norm_b;
  at::Tensor q_w, q_b, k_w, k_b, v_w, v_b, o_w, o_b;
  at::Tensor fc1_w, fc1_b, fc2_w, fc2_b;
};

// Hub checkpoints name OPT's tensors "model.decoder.*" or, in older
// conversions, "decoder.*".
std::string decoder_prefix(const modelio::TensorStore& store) {
  if (!store.contains("model.decoder.embed_tokens.weight") && store.contains("decoder.embed_tokens.weight")) {
    return "decoder.";
  }
  return "model.decoder.";
}

class OptModel : public CausalLM {
 public:
  OptModel(const modelio::ModelConfig& config, const modelio::TensorStore& store, const Numerics& numerics,
           at::Device device);

 protected:
  at::Tensor forward_hidden(const at::Tensor& input_ids, KVCache& cache, int64_t start,
                            const ForwardContext& ctx) const override;
  const at::Tensor& lm_head_weight() const override { return lm_head_; }
  KVCacheShape cache_shape() const override {
    return {config().num_hidden_layers, config().num_attention_heads, config().head_dim};
  }

 private:
  at::Tensor block_forward(int64_t index, const at::Tensor& hidden, KVCache& cache, const at::Tensor& allowed,
                           const ForwardContext& ctx) const;
  at::Tensor norm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) const {
    return numerics().round(layer_norm(x, w, b, config().layer_norm_eps));
  }

  Activation activation_;
  at::Tensor embed_, positions_, project_in_, project_out_, final_norm_w_, final_norm_b_, lm_head_;
  bool has_final_norm_ = false;
  std::vector<OptBlock> blocks_;
};

OptModel::OptModel(const modelio::ModelConfig& c, const modelio::TensorStore& store, const Numerics& numerics,
                   at::Device device)
    : CausalLM(c, numerics, device), activation_(parse_activation(c.hidden_act, "activation_function")) {
  WeightBinder load(store, numerics, weights_);
  const std::string root = decoder_prefix(store);
  const int64_t d = c.hidden_size;
  const int64_t proj = c.word_embed_proj_dim > 0 ? c.word_embed_proj_dim : d;
  const int64_t ffn = c.intermediate_size;
  const bool bias = c.enable_bias;
  const bool affine = c.layer_norm_elementwise_affine;
  const auto A = Component::attention;
  const auto F = Component::feed_forward;
  const auto N = Component::norm;
  const auto E = Component::embedding;
  const auto norm_param = [&](const std::string& name) {
    return affine ? load.required(name, {d}, N) : load.optional(name, {d}, N);
  };

  embed_ = load.required(root + "embed_tokens.weight", {c.vocab_size, proj}, E);
  positions_ = load.required(root + "embed_positions.weight", {c.max_position_embeddings + c.position_offset, d}, E);
  if (proj != d) {
    project_in_ = load.required(root + "project_in.weight", {d, proj}, E);
    project_out_ = load.required(root + "project_out.weight", {proj, d}, E);
  }
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string p = root + "layers." + std::to_string(i) + ".";
    OptBlock b;
    b.attn_norm_w = norm_param(p + "self_attn_layer_norm.weight");
    b.attn_norm_b = norm_param(p + "self_attn_layer_norm.bias");
    b.q_w = load.required(p + "self_attn.q_proj.weight", {d, d}, A);
    b.q_b = load.bias(p + "self_attn.q_proj.bias", d, A, bias);
    b.k_w = load.required(p + "self_attn.k_proj.weight", {d, d}, A);
    b.k_b = load.bias(p + "self_attn.k_proj.bias", d, A, bias);
    b.v_w = load.required(p + "self_attn.v_proj.weight", {d, d}, A);
    b.v_b = load.bias(p + "self_attn.v_proj.bias", d, A, bias);
    b.o_w = load.required(p + "self_attn.out_proj.weight", {d, d}, A);
    b.o_b = load.bias(p + "self_attn.out_proj.bias", d, A, bias);
    b.ffn_norm_w = norm_param(p + "final_layer_norm.weight");
    b.ffn_norm_b = norm_param(p + "final_layer_norm.bias");
    b.fc1_w = load.required(p + "fc1.weight", {ffn, d}, F);
    b.fc1_b = load.bias(p + "fc1.bias", ffn, F, bias);
    b.fc2_w = load.required(p + "fc2.weight", {d, ffn}, F);
    b.fc2_b = load.bias(p + "fc2.bias", d, F, bias);
    blocks_.push_back(std::move(b));
  }
  // HF builds the decoder's final LayerNorm only for pre-LN models (and
  // checkpoints with _remove_final_layer_norm simply lack it).
  if (c.do_layer_norm_before && (!affine || load.contains(root + "final_layer_norm.weight"))) {
    has_final_norm_ = true;
    final_norm_w_ = load.optional(root + "final_layer_norm.weight", {d}, N);
    final_norm_b_ = load.optional(root + "final_layer_norm.bias", {d}, N);
  }
  lm_head_ = (!c.tie_word_embeddings && load.contains("lm_head.weight"))
                 ? load.required("lm_head.weight", {c.vocab_size, proj}, Component::lm_head)
                 : embed_;
}

at::Tensor OptModel::forward_hidden(const at::Tensor& input_ids, KVCache& cache, int64_t start,
                                    const ForwardContext& ctx) const {
  const int64_t n = input_ids.size(1);
  // HF: positions = cumsum(mask) * mask - 1, plus the offset; padding -> -1.
  const at::Tensor new_mask = cache.attention_mask().narrow(1, start, n);
  const at::Tensor positions =
      at::where(new_mask.to(at::kBool), cache.positions(start, n), at::full_like(new_mask, -1)) +
      config().position_offset;
  const int64_t highest = positions.max().item<int64_t>();
  if (highest >= positions_.size(0)) {
    throw Error("sequence position " + std::to_string(highest - config().position_offset) +
                " is past the model's max_position_embeddings (" + std::to_string(config().max_position_embeddings) +
                ")");
  }
  const at::Tensor allowed = attention_allowed(cache, start, n, std::nullopt, ctx.attention_columns);

  const BlockRows rows(ctx.row_first_block, input_ids.size(0));
  const auto first_rows = BlockRows::first_rows;
  const int64_t r = rows.running(ctx.first_block);
  at::Tensor hidden;
  if (ctx.first_hidden != nullptr) {
    hidden = first_rows(*ctx.first_hidden, r).to(device()).contiguous();
  } else {
    at::Tensor tokens = at::embedding(embed_, first_rows(input_ids, r));
    if (project_in_.defined()) tokens = numerics().round(at::linear(tokens, project_in_));
    hidden = numerics().round(tokens + at::embedding(positions_, first_rows(positions, r)));
  }
  const auto blocks = static_cast<int64_t>(blocks_.size());
  for (int64_t i = ctx.first_block; i < blocks; ++i) {
    hidden = rows.join(hidden, i);
    if (ctx.on_block_input != nullptr) (*ctx.on_block_input)(i, hidden);
    hidden = block_forward(i, hidden, cache, first_rows(allowed, hidden.size(0)), ctx);
  }
  hidden = rows.join(hidden, blocks);
  if (has_final_norm_) hidden = norm(hidden, final_norm_w_, final_norm_b_);
  if (project_out_.defined()) hidden = numerics().round(at::linear(hidden, project_out_));
  return hidden;
}

at::Tensor OptModel::block_forward(int64_t index, const at::Tensor& hidden, KVCache& cache, const at::Tensor& allowed,
                                   const ForwardContext& ctx) const {
  const OptBlock& b = blocks_[static_cast<size_t>(index)];
  const Numerics& num = numerics();
  const auto& c = config();
  const bool pre_norm = c.do_layer_norm_before;
  using K = LayerKind;

  const at::Tensor x = pre_norm ? norm(hidden, b.attn_norm_w, b.attn_norm_b) : hidden;
  const at::Tensor q = hooked_linear(x, b.q_w, b.q_b, {index, K::q_proj}, ctx);
  const at::Tensor k = hooked_linear(x, b.k_w, b.k_b, {index, K::k_proj}, ctx);
  const at::Tensor v = hooked_linear(x, b.v_w, b.v_b, {index, K::v_proj}, ctx);
  // OPT scales the query projection itself (HF OPTAttention), after the hook.
  const double scale = 1.0 / std::sqrt(static_cast<double>(c.head_dim));
  const at::Tensor qh = split_heads(num.round(q * scale), c.num_attention_heads, c.head_dim);
  cache.store(index, split_heads(k, c.num_attention_heads, c.head_dim),
              split_heads(v, c.num_attention_heads, c.head_dim));
  const at::Tensor attn = cached_attention(qh, cache, index, allowed, 1.0, num);
  const at::Tensor o = hooked_linear(attn, b.o_w, b.o_b, {index, K::o_proj}, ctx);
  at::Tensor mid = num.round(hidden + o);
  if (!pre_norm) mid = norm(mid, b.attn_norm_w, b.attn_norm_b);

  const at::Tensor y = pre_norm ? norm(mid, b.ffn_norm_w, b.ffn_norm_b) : mid;
  const at::Tensor fc1 = hooked_linear(y, b.fc1_w, b.fc1_b, {index, K::fc1}, ctx);
  const at::Tensor act = at_hook_point(activate(fc1, activation_), {index, K::act}, ctx);
  const at::Tensor fc2 = hooked_linear(act, b.fc2_w, b.fc2_b, {index, K::fc2}, ctx);
  at::Tensor out = num.round(mid + fc2);
  if (!pre_norm) out = norm(out, b.ffn_norm_w, b.ffn_norm_b);
  return out;
}

}  // namespace

std::unique_ptr<CausalLM> make_opt(const modelio::ModelConfig& config, const modelio::TensorStore& store,
                                   const modelio::Placement& placement) {
  return std::make_unique<OptModel>(config, store, make_numerics(placement), placement.device);
}

}  // namespace beamline::runtime
