#include "common/sites/site_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "common/error.h"

namespace beamline::sites {
namespace {

using fault::FaultModel;
using fault::NumericFormat;

const std::vector<TargetLayer> kTargets = {{0, "v_proj", 8}, {0, "down_proj", 24}, {1, "v_proj", 8}};

TEST(ActivationSite, FormatsAndParsesBackExactly) {
  ActivationSite site{3, 1, "v_proj", 1234, (1u << 30)};
  EXPECT_EQ(format_site(site), "step=3,block=1,layer=v_proj,index=1234,bits=30");
  EXPECT_EQ(parse_site(format_site(site)), site);
  site.bits = (1u << 3) | (1u << 30);
  EXPECT_EQ(format_site(site), "step=3,block=1,layer=v_proj,index=1234,bits=3+30");
  EXPECT_EQ(parse_site("step=3,block=1,layer=v_proj,index=1234,bits=3,30"), site);
  EXPECT_EQ(parse_site("bits=3+30,index=1234,layer=v_proj,block=1,step=3"), site);
}

TEST(ActivationSite, BadTextNamesTheField) {
  auto message = [](const char* text) {
    try {
      parse_site(text);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("step=3,block=1,layer=v_proj,index=12").find("field 'bits' missing"), std::string::npos);
  EXPECT_NE(message("step=x,block=1,layer=v_proj,index=12,bits=1").find("field 'step'"), std::string::npos);
  EXPECT_NE(message("step=1,block=1,layer=v_proj,index=12,bits=40").find("40"), std::string::npos);
  EXPECT_NE(message("step=1,block=1,layer=v_proj,index=12,bits=1,color=red").find("unknown field"),
            std::string::npos);
}

TEST(SiteSampler, IsAPureFunctionOfTheRngStream) {
  const GenerationShape shape{5, 4};
  for (uint64_t t = 0; t < 100; ++t) {
    CounterRng a(9, "cell", t), b(9, "cell", t);
    EXPECT_EQ(draw_activation_site(a, shape, kTargets, SiteSampling::compute, FaultModel::single_bit, NumericFormat::fp32),
              draw_activation_site(b, shape, kTargets, SiteSampling::compute, FaultModel::single_bit, NumericFormat::fp32));
  }
}

TEST(SiteSampler, SitesStayInsideWhatEachStepComputes) {
  const GenerationShape shape{5, 4};
  for (uint64_t t = 0; t < 2000; ++t) {
    CounterRng rng(1, "cell", t);
    const auto site = draw_activation_site(rng, shape, kTargets, SiteSampling::layer, FaultModel::exponent_bit,
                                           NumericFormat::bf16);
    ASSERT_LT(site.step, shape.steps);
    int64_t width = 0;
    for (const auto& target : kTargets) {
      if (target.block == site.block && target.layer == site.layer) width = target.width;
    }
    ASSERT_GT(width, 0) << format_site(site);
    EXPECT_LT(site.index, positions_at_step(shape, site.step) * width);
    EXPECT_EQ(site.bits & ~0x7F80u, 0u) << "bf16 exponent bits are 7..14";
  }
}

// compute sampling weights each (step, layer) by the elements it produces:
// step 0 computes 5 positions, steps 1..3 one each, so step 0 gets 5/8;
// down_proj is 24 of the 40 features, so it gets 3/5.
TEST(SiteSampler, ComputeSamplingFollowsElementCounts) {
  const GenerationShape shape{5, 4};
  const int draws = 40000;
  std::map<int64_t, int> by_step;
  std::map<std::string, int> by_layer;
  for (int t = 0; t < draws; ++t) {
    CounterRng rng(2, "cell", static_cast<uint64_t>(t));
    const auto site = draw_activation_site(rng, shape, kTargets, SiteSampling::compute, FaultModel::none,
                                           NumericFormat::fp32);
    by_step[site.step]++;
    by_layer[site.layer]++;
    EXPECT_EQ(site.bits, 0u);
  }
  auto near = [&](int count, double expected_share) {
    const double sd = std::sqrt(draws * expected_share * (1 - expected_share));
    return std::abs(count - draws * expected_share) < 5 * sd;
  };
  EXPECT_TRUE(near(by_step[0], 5.0 / 8)) << by_step[0];
  EXPECT_TRUE(near(by_step[2], 1.0 / 8)) << by_step[2];
  EXPECT_TRUE(near(by_layer["down_proj"], 24.0 / 40)) << by_layer["down_proj"];
}

// layer sampling gives each (block, layer) pair the same share.
TEST(SiteSampler, LayerSamplingTreatsLayersEqually) {
  const GenerationShape shape{5, 4};
  const int draws = 30000;
  std::map<std::pair<int64_t, std::string>, int> by_pair;
  for (int t = 0; t < draws; ++t) {
    CounterRng rng(3, "cell", static_cast<uint64_t>(t));
    const auto site = draw_activation_site(rng, shape, kTargets, SiteSampling::layer, FaultModel::none,
                                           NumericFormat::fp32);
    by_pair[{site.block, site.layer}]++;
  }
  ASSERT_EQ(by_pair.size(), 3u);
  const double sd = std::sqrt(draws * (1.0 / 3) * (2.0 / 3));
  for (const auto& [pair, count] : by_pair) EXPECT_LT(std::abs(count - draws / 3.0), 5 * sd);
}

TEST(SiteSampler, RejectsWeightFaultModelsAndEmptyTargets) {
  CounterRng rng(1, "cell", 0);
  EXPECT_THROW(draw_activation_site(rng, {5, 4}, kTargets, SiteSampling::compute, FaultModel::bit_error_rate,
                                    NumericFormat::fp32),
               Error);
  EXPECT_THROW(draw_activation_site(rng, {5, 4}, {}, SiteSampling::compute, FaultModel::single_bit,
                                    NumericFormat::fp32),
               Error);
}

}  // namespace
}  // namespace beamline::sites
