#pragma once
// Which model component a weight tensor belongs to, following the components
// of the weight-fault study (shared/seeds/000_de90a7e54627af2d.txt, "Variation
// by Component"): Embedding, Attention, Feed Forward, Normalization, LM Head.
// model-info counts parameters per component and the weight-fault issue
// selects tensors by component and by block (layer) index.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "worker/modelio/model_config.h"

namespace beamline::modelio {

enum class Component { embedding, attention, feed_forward, norm, lm_head };

// "embedding", "attention", "feed_forward", "norm", "lm_head".
std::string to_string(Component component);
// Throws beamline::Error listing the valid names.
Component parse_component(const std::string& text);
std::vector<Component> all_components();

// The component of a tensor named as in the safetensors files of FAMILY
// (after load_weights' "model." normalisation); nullopt for a name the family
// does not define. Assignments beyond the obvious ones:
//   OPT embed_positions (learned positional embeddings) -> embedding: a lookup
//     table added to the token embeddings before the first block.
//   OPT project_in / project_out -> embedding: they map between the
//     word-embedding width and hidden_size, so they belong to the embedding
//     path, not to any decoder block.
//   Per-block and final norms (input_layernorm, post_attention_layernorm,
//     model.norm; OPT self_attn_layer_norm, final_layer_norm) -> norm.
// With tie_word_embeddings there is no lm_head tensor: the LM head shares
// embed_tokens, so faults there count as embedding (and hit both uses).
std::optional<Component> classify_tensor(const std::string& name, ArchitectureFamily family);

// The decoder block index N of "...layers.N..." names; nullopt for tensors
// outside the blocks (embeddings, final norm, lm_head).
std::optional<int64_t> parse_block_index(const std::string& name);

}  // namespace beamline::modelio
