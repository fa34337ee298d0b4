#pragma once
// Shared by the unit runner tests: a tiny random Llama and a dataset whose
// rows' correctness is known (answers are the model's own golden outputs,
// or something it cannot write), written once per test process, and work
// units built the way the coordinator builds them (campaign text ->
// expand_cells -> make_work_unit).
#include <string>
#include <vector>

#include "common/campaign/trial_plan.h"
#include "schema/beamline.pb.h"
#include "tests/worker/runtime/tiny_models.h"
#include "worker/units/unit_runner.h"

namespace beamline::units::testing {

struct UnitsWorld {
  runtime::testing::ScratchDir dir{"units"};
  std::string root;          // the runner's model_root
  std::string model_dir;     // root/tiny
  std::string dataset_path;  // root/rows.jsonl
  std::vector<std::string> prompts;
  std::vector<std::string> golden_texts;  // fault-free, unprotected, max_new_tokens 6
  std::vector<std::string> tasks;         // "exact", one "qa"
  std::vector<bool> correct;              // whether the row's answer is its golden text
  std::vector<int64_t> exact_correct_rows;  // the golden_correct selection with task "exact"
};

// Built on first use.
const UnitsWorld& world();

// Campaign text over world(): model "tiny" and dataset "rows.jsonl" (the
// names `beamline trial` gives them from the paths, so keys agree), seed
// 77. `dataset_extra`, `faults` and `protections` are TOML lines/tables.
std::string campaign_text(const std::string& dataset_extra, const std::string& faults,
                          const std::string& protections = "[[protection]]\nkind = \"none\"\n");

// The unit for cell `cell_index` of the campaign over `range`.
wire::WorkUnit make_unit(const std::string& campaign, size_t cell_index, const campaign::TrialRange& range,
                         uint64_t unit_id = 1);

RunnerOptions runner_options();

// Everything one run emitted.
struct Emitted {
  std::vector<UnitBatch> batches;
  std::vector<wire::TrialResult> trials() const;
  std::vector<wire::GoldenRun> golden() const;
};
Emitted run_unit(UnitRunner& runner, const wire::WorkUnit& unit);

}  // namespace beamline::units::testing
