#include "common/campaign/campaign_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"

namespace beamline::campaign {
namespace {

const char* kValid = R"(
[campaign]
name = "study"
seed = 42

[[model]]
name = "m1"
path = "models/m1"
dtype = "bfloat16"
device = "cuda"

[[dataset]]
name = "qa"
path = "data/qa.jsonl"
task = "qa"
inputs = 4
max_new_tokens = 8

[[fault]]
model = "single_bit"

[[fault]]
model = "value_uniform01"
rates = [1e-6, 1e-3]
components = ["attention", "norm"]
layer_groups = ["0-3"]

[sites]
sampling = "layer"
targets = ["all", "layers=v_proj,o_proj;blocks=0-1"]

[[protection]]
kind = "none"

[[protection]]
kind = "ft2_offline"
policy = "clip_to_zero"
bounds = "bounds/{model}.bounds"

[budget]
target_half_width = 0.02
max_trials_per_cell = 1000
unit_trials = 10
)";

CampaignSpec parse(const std::string& text) { return parse_campaign(campaign_source_from_text("test.toml", text)); }

// The error message for `text`, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string with(const std::string& replace, const std::string& by) {
  std::string text = kValid;
  const size_t at = text.find(replace);
  EXPECT_NE(at, std::string::npos) << replace;
  return text.replace(at, replace.size(), by);
}

TEST(CampaignParser, ReadsEveryKind) {
  const CampaignSpec spec = parse(kValid);
  EXPECT_EQ(spec.name, "study");
  EXPECT_EQ(spec.seed, 42u);
  ASSERT_EQ(spec.models.size(), 1u);
  EXPECT_EQ(spec.models[0].dtype, "bfloat16");
  EXPECT_EQ(spec.models[0].device, "cuda");
  EXPECT_EQ(spec.datasets[0].inputs, 4);
  EXPECT_EQ(spec.datasets[0].selection, InputSelection::golden_correct);
  ASSERT_EQ(spec.faults.size(), 2u);
  EXPECT_EQ(spec.faults[1].rates, (std::vector<double>{1e-6, 1e-3}));
  ASSERT_EQ(spec.faults[1].selections.size(), 3u);
  EXPECT_EQ(spec.faults[1].selections[2].text(), "blocks=0-3");
  EXPECT_EQ(spec.sites.sampling, sites::SiteSampling::layer);
  ASSERT_EQ(spec.sites.targets.size(), 2u);
  EXPECT_EQ(format_target_set(spec.sites.targets[1]), "layers=v_proj,o_proj;blocks=0-1");
  EXPECT_EQ(spec.protections[1].label(), "ft2_offline:policy=clip_to_zero");
  EXPECT_EQ(spec.protections[1].bounds_for("m1"), "bounds/m1.bounds");
  EXPECT_EQ(spec.budget.mode, BudgetMode::target_half_width);
  EXPECT_EQ(spec.budget.max_trials_per_cell, 1000u);
}

TEST(CampaignParser, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of(with("dtype = \"bfloat16\"", "dtype = \"fp8\"")),
            "test.toml:9: model[0].dtype: unknown value 'fp8' (expected one of: float32, bfloat16, float16)");
  EXPECT_EQ(error_of(with("inputs = 4", "inputs = 0")), "test.toml:16: dataset[0].inputs: must be at least 1");
  EXPECT_EQ(error_of(with("max_new_tokens = 8", "max_new_token = 8")).rfind("test.toml:17: dataset[0].max_new_token: unknown key", 0),
            0u);
  EXPECT_NE(error_of(with("\"layers=v_proj,o_proj;blocks=0-1\"", "\"layers=vproj\"")).find("test.toml:30: sites.targets: targets: unknown layer kind 'vproj'"),
            std::string::npos);
  EXPECT_EQ(error_of(with("seed = 42", "seed = \"42\"")), "test.toml:4: campaign.seed: expected an integer, found a string");
}

TEST(CampaignParser, RejectsInconsistentOptions) {
  EXPECT_NE(error_of(with("bounds = \"bounds/{model}.bounds\"", "")).find("protection[1].bounds: missing"),
            std::string::npos);
  EXPECT_NE(error_of(with("model = \"single_bit\"", "model = \"single_bit\"\nrates = [0.1]")).find("fault[0].rates"),
            std::string::npos);
  EXPECT_NE(error_of(with("target_half_width = 0.02\nmax_trials_per_cell = 1000", "trials_per_cell = 5\ntrials_per_input = 5"))
                .find("give exactly one of"),
            std::string::npos);
  EXPECT_NE(error_of(with("max_trials_per_cell = 1000", "")).find("budget.max_trials_per_cell: a target half-width needs a cap"),
            std::string::npos);
  EXPECT_NE(error_of(with("name = \"m1\"", "name = \"m|1\"")).find("model[0].name"), std::string::npos);
  EXPECT_NE(error_of(with("path = \"models/m1\"", "")).find("model[0].path: missing"), std::string::npos);
}

TEST(CampaignParser, TomlSyntaxErrorsCarryTheLine) {
  const std::string message = error_of("[campaign]\nname = \"x\"\nseed = = 3\n");
  EXPECT_EQ(message.rfind("test.toml:3: ", 0), 0u) << message;
}

TEST(CampaignParser, SyntheticModelsNeedNoFiles) {
  const CampaignSpec spec = parse(R"(
[campaign]
name = "s"
seed = 1
[[model]]
name = "fake"
kind = "synthetic"
sdc_rate = 0.25
[[dataset]]
name = "d"
inputs = 3
[[fault]]
model = "single_bit"
[budget]
trials_per_cell = 10
)");
  EXPECT_EQ(spec.models[0].kind, ModelKind::synthetic);
  EXPECT_DOUBLE_EQ(spec.models[0].synthetic.sdc, 0.25);
  EXPECT_TRUE(spec.datasets[0].path.empty());
  ASSERT_EQ(spec.protections.size(), 1u);  // default: none
  EXPECT_EQ(spec.protections[0].kind, "none");
}

TEST(CampaignParser, BundledExamplesParse) {
  for (const char* name : {"quickstart.toml", "synthetic.toml"}) {
    const CampaignSpec spec = load_campaign(std::string(BEAMLINE_SOURCE_DIR) + "/examples/" + name);
    EXPECT_FALSE(spec.models.empty()) << name;
  }
}

TEST(CampaignParser, HashFollowsTheText) {
  EXPECT_EQ(campaign_text_hash("a"), campaign_text_hash("a"));
  EXPECT_NE(campaign_text_hash("a"), campaign_text_hash("b"));
  EXPECT_EQ(campaign_text_hash("").rfind("fnv1a64:", 0), 0u);
}

}  // namespace
}  // namespace beamline::campaign
