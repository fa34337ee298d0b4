#include "common/campaign/cells.h"

#include <gtest/gtest.h>

#include "common/campaign/campaign_change.h"
#include "common/campaign/campaign_parser.h"
#include "common/campaign/cell_key.h"
#include "common/campaign/trial_plan.h"
#include "common/error.h"

namespace beamline::campaign {
namespace {

std::string base_text(const std::string& extra_protection = "") {
  return R"(
[campaign]
name = "c"
seed = 9
[[model]]
name = "m"
path = "models/m"
[[model]]
name = "n"
path = "models/n"
[[dataset]]
name = "qa"
path = "qa.jsonl"
inputs = 2
[[fault]]
model = "single_bit"
[[fault]]
model = "none"
[[fault]]
model = "bit_error_rate"
rates = [0.001, 0.01]
components = ["attention"]
[sites]
targets = ["all", "layers=o_proj"]
[[protection]]
kind = "none"
[[protection]]
kind = "ft2"
)" + extra_protection + R"(
[budget]
trials_per_input = 3
)";
}

CampaignSpec parse(const std::string& text) { return parse_campaign(campaign_source_from_text("c.toml", text)); }

TEST(Cells, ProductOfFactors) {
  const auto spec = parse(base_text());
  const auto cells = expand_cells(spec);
  // per model: single_bit x 2 target sets + none x 1 + bit_error_rate x 2 rates = 5 site keys, x 2 protections
  ASSERT_EQ(cells.size(), 2u * 5u * 2u);
  EXPECT_EQ(cells[0].key,
            "transient|model=m|dataset=qa|fault=single_bit|sampling=compute|targets=all|protection=none");
  EXPECT_EQ(cells[1].key,
            "transient|model=m|dataset=qa|fault=single_bit|sampling=compute|targets=all|"
            "protection=ft2:policy=clip_to_bound,scale=2");
  EXPECT_EQ(cells[0].site_key, cells[1].site_key);  // protections share sites
  EXPECT_EQ(cells[6].kind, CellKind::weight);
  EXPECT_EQ(cells[6].site_key, "weight|model=m|dataset=qa|fault=bit_error_rate|rate=0.001|selection=component=attention");
}

TEST(Cells, TransientKeyIsTheEnginesFormat) {
  // worker/engine's TransientCell::key() returned exactly this before the
  // key moved here; stored sites depend on it.
  EXPECT_EQ(transient_site_key("tiny-llama", "qa", fault::FaultModel::exponent_bit, sites::SiteSampling::layer,
                               parse_target_set("layers=v_proj;blocks=0-1")),
            "transient|model=tiny-llama|dataset=qa|fault=exponent_bit|sampling=layer|targets=layers=v_proj;blocks=0-1");
}

TEST(Cells, WeightSelectionTextReadsBack) {
  // The one selection grammar: the worker parses the text a cell key holds.
  for (const char* text : {"component=attention", "component=attention,feed_forward", "blocks=0-3", "blocks=5",
                           "tensors=lm_head.weight,model.norm.weight"}) {
    EXPECT_EQ(parse_weight_selection(text).text(), text);
  }
  const auto spec = parse(base_text());
  for (const auto& cell : expand_cells(spec)) {
    if (cell.selection) {
      EXPECT_EQ(parse_weight_selection(cell.selection->text()).text(), cell.selection->text());
    }
  }
  EXPECT_EQ(parse_weight_selection("blocks=4-7").blocks, (BlockRange{4, 7}));
  for (const char* bad : {"", "attention", "component=", "component=wings", "component=norm,norm", "blocks=3-1",
                          "blocks=x", "tensors=a,,b", "layers=q_proj"}) {
    EXPECT_THROW(parse_weight_selection(bad), Error) << bad;
  }
  try {
    parse_weight_selection("component=wings");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown component 'wings'"), std::string::npos) << e.what();
  }
}

TEST(Cells, DuplicateFactorsAreRefused) {
  std::string text = base_text();
  text.replace(text.find("[sites]"), 0, "[[fault]]\nmodel = \"none\"\n");
  EXPECT_THROW(expand_cells(parse(text)), Error);
}

TEST(Cells, SyntheticExampleIsOneMillionTrials) {
  const auto spec = load_campaign(std::string(BEAMLINE_SOURCE_DIR) + "/examples/synthetic.toml");
  uint64_t total = 0;
  for (const auto& cell : expand_cells(spec)) {
    total += total_trials(plan_cell_trials(spec.budget, cell.kind, spec.datasets[cell.dataset].inputs));
  }
  EXPECT_EQ(total, 1000000u);
}

TEST(Cells, WeightFaultExampleIsWeightCellsOverEverySelection) {
  const auto spec = load_campaign(std::string(BEAMLINE_SOURCE_DIR) + "/examples/weight_faults.toml");
  const auto cells = expand_cells(spec);
  ASSERT_EQ(cells.size(), 2u * 2u * 5u * 4u);  // models x fault models x rates x (2 components + 2 layer groups)
  for (const auto& cell : cells) {
    EXPECT_EQ(cell.kind, CellKind::weight);
    const auto ranges = plan_cell_trials(spec.budget, cell.kind, spec.datasets[cell.dataset].inputs);
    ASSERT_EQ(ranges.size(), 1u);
    EXPECT_EQ(ranges[0].input_index, kEveryInput);
    EXPECT_EQ(ranges[0].size(), 8u);
  }
  EXPECT_EQ(cells[0].site_key,
            "weight|model=tiny-llama|dataset=choice|fault=bit_error_rate|rate=1e-07|selection=component=attention");
}

TEST(CampaignChange, OnlyAddingCellsIsAccepted) {
  const auto old_spec = parse(base_text());
  const auto old_cells = expand_cells(old_spec);
  std::vector<StoredCell> stored;
  for (const auto& cell : old_cells) stored.push_back({cell.key, cell.definition});

  EXPECT_EQ(compare_campaign("c", 9, stored, old_spec, old_cells).kind, ChangeKind::identical);

  const auto more = parse(base_text("[[protection]]\nkind = \"ft2\"\nscale = 3\n"));
  const auto change = compare_campaign("c", 9, stored, more, expand_cells(more));
  EXPECT_EQ(change.kind, ChangeKind::adds_cells);
  EXPECT_EQ(change.added.size(), 10u);

  EXPECT_EQ(compare_campaign("c", 10, stored, old_spec, old_cells).kind, ChangeKind::refused);
  std::string budget = base_text();
  budget.replace(budget.find("trials_per_input = 3"), 20, "trials_per_input = 4");
  const auto bigger = parse(budget);
  const auto refused = compare_campaign("c", 9, stored, bigger, expand_cells(bigger));
  EXPECT_EQ(refused.kind, ChangeKind::refused);
  EXPECT_NE(refused.reason.find("changed"), std::string::npos);

  std::string fewer = base_text();
  const std::string ft2 = "[[protection]]\nkind = \"ft2\"";
  fewer.replace(fewer.find(ft2), ft2.size(), "");
  const auto removed = parse(fewer);
  EXPECT_EQ(compare_campaign("c", 9, stored, removed, expand_cells(removed)).kind, ChangeKind::refused);
}

}  // namespace
}  // namespace beamline::campaign
