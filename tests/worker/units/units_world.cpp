#include "tests/worker/units/units_world.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/campaign/campaign_parser.h"
#include "common/campaign/cells.h"
#include "common/protocol/work_unit.h"
#include "common/rng.h"
#include "worker/engine/golden_run.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::units::testing {
namespace {

constexpr int kRows = 12;
constexpr int kQaRow = 4;
constexpr int64_t kMaxNewTokens = 6;

void build(UnitsWorld& w) {
  w.root = w.dir.path();
  w.model_dir = w.dir.sub("tiny");
  w.dataset_path = w.dir.sub("rows.jsonl");
  runtime::testing::TinySpec spec;
  spec.num_layers = 2;
  spec.seed = 5;
  runtime::testing::write_tiny_model(w.model_dir, spec);
  const auto model = runtime::LoadedModel::load(w.model_dir);

  std::ofstream out(w.dataset_path);
  for (int r = 0; r < kRows; ++r) {
    CounterRng rng(3, "units-prompts", static_cast<uint64_t>(r));
    std::string prompt;
    for (int k = 0; k < 4; ++k) {
      prompt += (k == 0 ? "w" : " w") + std::to_string(3 + rng.uniform_below(static_cast<uint64_t>(spec.vocab_size - 3)));
    }
    judge::DatasetInput input;
    input.prompt = prompt;
    input.task = judge::TaskKind::exact;
    input.answers = {"x"};
    engine::GenerationSettings settings;
    settings.max_new_tokens = kMaxNewTokens;
    const std::string text = engine::run_golden(*model, input, engine::ProtectionSetup{}, settings).text;
    // Every third row (and a row whose model says nothing) gets an answer
    // of more words than the model may write: its golden run is wrong.
    const bool correct = r % 3 != 0 && !text.empty();
    const std::string task = r == kQaRow ? "qa" : "exact";
    nlohmann::json line;
    line["id"] = "row" + std::to_string(r);
    line["prompt"] = prompt;
    line["answer"] = correct ? text : "w3 w3 w3 w3 w3 w3 w3 w3";
    line["task"] = task;
    out << line.dump() << "\n";
    w.prompts.push_back(prompt);
    w.golden_texts.push_back(text);
    w.tasks.push_back(task);
    w.correct.push_back(correct);
    if (correct && task == "exact") w.exact_correct_rows.push_back(r);
  }
}

}  // namespace

const UnitsWorld& world() {
  // Destroyed at exit, which removes the scratch directory.
  static const std::unique_ptr<UnitsWorld> w = [] {
    auto built = std::make_unique<UnitsWorld>();
    build(*built);
    return built;
  }();
  return *w;
}

std::string campaign_text(const std::string& dataset_extra, const std::string& faults,
                          const std::string& protections) {
  return R"([campaign]
name = "units"
seed = 77
[[model]]
name = "tiny"
path = "tiny"
[[dataset]]
name = "rows.jsonl"
path = "rows.jsonl"
)" + dataset_extra +
         "\n" + faults + "\n" + protections + R"(
[budget]
trials_per_input = 10
)";
}

wire::WorkUnit make_unit(const std::string& text, size_t cell_index, const campaign::TrialRange& range,
                         uint64_t unit_id) {
  const campaign::CampaignSpec spec =
      campaign::parse_campaign(campaign::campaign_source_from_text(world().root + "/units.toml", text));
  const auto cells = campaign::expand_cells(spec);
  EXPECT_LT(cell_index, cells.size());
  return protocol::make_work_unit(spec, cells.at(cell_index), unit_id, cell_index + 1, range, 60000);
}

RunnerOptions runner_options() {
  RunnerOptions options;
  options.model_root = world().root;
  return options;
}

std::vector<wire::TrialResult> Emitted::trials() const {
  std::vector<wire::TrialResult> out;
  for (const auto& b : batches) out.insert(out.end(), b.trials.begin(), b.trials.end());
  return out;
}

std::vector<wire::GoldenRun> Emitted::golden() const {
  std::vector<wire::GoldenRun> out;
  for (const auto& b : batches) out.insert(out.end(), b.golden.begin(), b.golden.end());
  return out;
}

Emitted run_unit(UnitRunner& runner, const wire::WorkUnit& unit) {
  Emitted emitted;
  std::atomic<bool> stop{false};
  runner.run(unit, [&](UnitBatch&& batch) { emitted.batches.push_back(std::move(batch)); }, stop);
  return emitted;
}

}  // namespace beamline::units::testing
