#include "worker/units/input_selection.h"

#include <fmt/core.h>

#include "common/error.h"
#include "worker/judge/task_kind.h"

namespace beamline::units {

DatasetRows load_dataset_rows(const std::string& path, const std::string& task, int64_t max_new_tokens) {
  if (path.empty()) throw Error("dataset: no path (an hf model needs a JSONL dataset)");
  if (max_new_tokens < 0) throw Error(fmt::format("dataset {}: max_new_tokens {} is negative", path, max_new_tokens));
  std::optional<judge::TaskKind> wanted;
  if (!task.empty()) {
    wanted = judge::parse_task_kind(task);
    if (!wanted) throw Error(fmt::format("dataset {}: unknown task '{}' (expected qa, math, choice or exact)", path, task));
  }
  judge::Dataset dataset = judge::load_dataset(path);
  DatasetRows rows;
  rows.path = path;
  for (size_t i = 0; i < dataset.inputs.size(); ++i) {
    judge::DatasetInput& input = dataset.inputs[i];
    if (wanted && input.task != *wanted) continue;
    if (max_new_tokens > 0) input.max_new_tokens = max_new_tokens;
    rows.rows.push_back(std::move(input));
    rows.source_rows.push_back(static_cast<int64_t>(i));
  }
  return rows;
}

SelectionRule parse_selection_rule(const std::string& text) {
  if (text == "golden_correct") return SelectionRule::golden_correct;
  if (text == "first") return SelectionRule::first;
  throw Error(fmt::format("dataset selection '{}': expected golden_correct or first", text));
}

std::vector<size_t> InputSelector::select(const std::string& key, const DatasetRows& rows, SelectionRule rule,
                                          size_t count, const GoldenCorrect& golden_correct, const std::string& what) {
  Progress& progress = progress_[key];
  while (progress.chosen.size() < count && progress.next_row < rows.rows.size()) {
    const size_t row = progress.next_row;
    // A golden run that throws leaves the row unexamined (not skipped).
    const bool chosen = rule == SelectionRule::first || golden_correct(row);
    ++progress.next_row;
    if (chosen) progress.chosen.push_back(row);
  }
  if (progress.chosen.size() < count) {
    const std::string why = rule == SelectionRule::first
                                ? "rows"
                                : "rows whose unprotected golden run is correct (selection golden_correct)";
    throw Error(fmt::format("{}: needs {} inputs but the dataset has only {} {} among its {} rows{}", what, count,
                            progress.chosen.size(), why, rows.rows.size(),
                            rule == SelectionRule::golden_correct ? "; lower `inputs` or use selection = \"first\""
                                                                  : ""));
  }
  return {progress.chosen.begin(), progress.chosen.begin() + static_cast<std::ptrdiff_t>(count)};
}

}  // namespace beamline::units
