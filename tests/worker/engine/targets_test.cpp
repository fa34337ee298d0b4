#include "worker/engine/targets.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace beamline::engine {
namespace {

modelio::ModelConfig llama_config() {
  modelio::ModelConfig c;
  c.family = modelio::ArchitectureFamily::llama;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.num_hidden_layers = 4;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  return c;
}

TEST(Targets, ParseAndFormat) {
  const TargetSpec spec = parse_targets("layers=v_proj,o_proj;blocks=0-1,3");
  ASSERT_EQ(spec.layers.size(), 2u);
  ASSERT_EQ(spec.blocks.size(), 2u);
  EXPECT_EQ(format_targets(spec), "layers=v_proj,o_proj;blocks=0-1,3");
  EXPECT_EQ(format_targets(parse_targets("")), "all");
  EXPECT_THROW(parse_targets("layers=vproj"), Error);
  EXPECT_THROW(parse_targets("blocks=3-1"), Error);
  EXPECT_THROW(parse_targets("colour=red"), Error);
}

TEST(Targets, ExpandToHookPointsWithWidths) {
  const auto config = llama_config();
  const auto all = target_layers(config, parse_targets(""));
  EXPECT_EQ(all.size(), 4u * 7u);  // every linear layer of every block, no act
  const auto some = target_layers(config, parse_targets("layers=o_proj,k_proj;blocks=2-3"));
  ASSERT_EQ(some.size(), 4u);
  EXPECT_EQ(some[0].block, 2);
  EXPECT_EQ(some[0].layer, "k_proj");  // execution order
  EXPECT_EQ(some[0].width, 16);        // kv heads * head_dim
  EXPECT_EQ(some[1].layer, "o_proj");
  EXPECT_EQ(some[1].width, 32);
  EXPECT_THROW(target_layers(config, parse_targets("layers=fc1")), Error);
  EXPECT_THROW(target_layers(config, parse_targets("blocks=4")), Error);
}

}  // namespace
}  // namespace beamline::engine
