// OPT config.json fields, named and defaulted as transformers' OPTConfig does.
#include "worker/modelio/model_config_families.h"

namespace beamline::modelio {
namespace {

constexpr int64_t kOptDefaultMaxPositions = 2048;
// OPTLearnedPositionalEmbedding reserves the first two rows.
constexpr int64_t kOptPositionOffset = 2;
// OPT builds its LayerNorms with torch's default eps; config.json has no field.
constexpr double kOptLayerNormEps = 1e-5;

}  // namespace

void read_opt_config(const JsonFields& fields, ModelConfig& config) {
  config.family = ArchitectureFamily::opt;
  config.vocab_size = fields.required_positive_int("vocab_size");
  config.hidden_size = fields.required_positive_int("hidden_size");
  config.intermediate_size = fields.required_positive_int("ffn_dim");
  config.num_hidden_layers = fields.required_positive_int("num_hidden_layers");
  config.num_attention_heads = fields.required_positive_int("num_attention_heads");
  config.num_key_value_heads = config.num_attention_heads;
  config.max_position_embeddings =
      fields.optional_positive_int("max_position_embeddings").value_or(kOptDefaultMaxPositions);
  config.position_offset = kOptPositionOffset;
  config.layer_norm_eps = kOptLayerNormEps;

  config.hidden_act = fields.string_or("activation_function", "relu");
  if (config.hidden_act != "relu") {
    fields.fail("activation_function",
                "is \"" + config.hidden_act + "\", but OPT is implemented with \"relu\" only");
  }
  config.do_layer_norm_before = fields.bool_or("do_layer_norm_before", true);
  if (!config.do_layer_norm_before) {
    fields.fail("do_layer_norm_before",
                "is false (post-LayerNorm OPT, as in opt-350m): not implemented, only "
                "pre-LayerNorm OPT is");
  }
  if (fields.bool_or("_remove_final_layer_norm", false)) {
    fields.fail("_remove_final_layer_norm", "is true: OPT without final_layer_norm is not implemented");
  }
  config.layer_norm_elementwise_affine = fields.bool_or("layer_norm_elementwise_affine", true);
  config.enable_bias = fields.bool_or("enable_bias", true);
  // Mirrored into the Llama-family flags so code asking "is q_proj biased?"
  // gets the right answer for OPT too.
  config.attention_bias = config.enable_bias;
  config.o_proj_bias = config.enable_bias;
  config.mlp_bias = config.enable_bias;
  config.word_embed_proj_dim =
      fields.optional_positive_int("word_embed_proj_dim").value_or(config.hidden_size);
  // PretrainedConfig's default, which OPTConfig keeps: OPT ties lm_head.
  config.tie_word_embeddings = fields.bool_or("tie_word_embeddings", true);
}

}  // namespace beamline::modelio
