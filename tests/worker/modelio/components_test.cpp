// Tensor names -> components and block indices, for both families.
#include <gtest/gtest.h>

#include "tests/worker/modelio/modelio_test_support.h"
#include "worker/modelio/components.h"

namespace beamline::modelio {
namespace {

struct Case {
  const char* name;
  std::optional<Component> component;
  std::optional<int64_t> block;
};

void check(ArchitectureFamily family, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    EXPECT_EQ(classify_tensor(c.name, family), c.component) << c.name;
    EXPECT_EQ(parse_block_index(c.name), c.block) << c.name;
  }
}

TEST(Components, LlamaFamily) {
  check(ArchitectureFamily::llama,
        {
            {"model.embed_tokens.weight", Component::embedding, std::nullopt},
            {"model.layers.0.self_attn.q_proj.weight", Component::attention, 0},
            {"model.layers.0.self_attn.q_proj.bias", Component::attention, 0},
            {"model.layers.12.self_attn.o_proj.weight", Component::attention, 12},
            {"model.layers.3.mlp.gate_proj.weight", Component::feed_forward, 3},
            {"model.layers.31.mlp.down_proj.weight", Component::feed_forward, 31},
            {"model.layers.7.input_layernorm.weight", Component::norm, 7},
            {"model.layers.7.post_attention_layernorm.weight", Component::norm, 7},
            {"model.norm.weight", Component::norm, std::nullopt},
            {"lm_head.weight", Component::lm_head, std::nullopt},
            {"model.something_else.weight", std::nullopt, std::nullopt},
            {"model.layers.2.unknown.weight", std::nullopt, 2},
        });
}

TEST(Components, Opt) {
  check(ArchitectureFamily::opt,
        {
            {"model.decoder.embed_tokens.weight", Component::embedding, std::nullopt},
            {"model.decoder.embed_positions.weight", Component::embedding, std::nullopt},
            {"model.decoder.project_in.weight", Component::embedding, std::nullopt},
            {"model.decoder.project_out.weight", Component::embedding, std::nullopt},
            {"model.decoder.layers.0.self_attn.k_proj.bias", Component::attention, 0},
            {"model.decoder.layers.5.self_attn.out_proj.weight", Component::attention, 5},
            {"model.decoder.layers.5.self_attn_layer_norm.weight", Component::norm, 5},
            {"model.decoder.layers.11.fc1.weight", Component::feed_forward, 11},
            {"model.decoder.layers.11.fc2.bias", Component::feed_forward, 11},
            {"model.decoder.layers.11.final_layer_norm.bias", Component::norm, 11},
            {"model.decoder.final_layer_norm.weight", Component::norm, std::nullopt},
            {"lm_head.weight", Component::lm_head, std::nullopt},
        });
}

TEST(Components, NamesRoundTrip) {
  for (const Component component : all_components()) {
    EXPECT_EQ(parse_component(to_string(component)), component);
  }
  testing::expect_error([] { parse_component("mlp"); },
                        {"\"mlp\"", "embedding, attention, feed_forward, norm, lm_head"});
}

}  // namespace
}  // namespace beamline::modelio
