#pragma once
// A campaign dataset as a unit sees it (the task filter applied, the
// generation length fixed) and the rule that picks its inputs
// (docs/campaign.md, `selection`):
//   golden_correct: the first `inputs` rows, in file order, whose fault-free
//                   UNPROTECTED golden run the judge accepts;
//   first:          the first `inputs` rows.
// "Input i" of a cell is the i-th selected row. The rule only looks at rows
// in order, so input i is the same whether 1 or all inputs were selected:
// a unit for input i selects inputs 0..i and no further.
//
// No LibTorch here: whether a golden run is correct is asked through a
// callback, so the rule is tested on its own.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "worker/judge/dataset.h"

namespace beamline::units {

struct DatasetRows {
  std::string path;
  std::vector<judge::DatasetInput> rows;  // rows of the task (all rows when no task), file order
  std::vector<int64_t> source_rows;       // each one's index among the file's rows (0-based)
};

// `task`: qa | math | choice | exact, or "" for every row. `max_new_tokens`
// > 0 sets every row's generation length; 0 keeps each row's own (rows
// without one use kDefaultMaxNewTokens). Throws beamline::Error naming the
// file (and line) or the task.
DatasetRows load_dataset_rows(const std::string& path, const std::string& task, int64_t max_new_tokens);

enum class SelectionRule { golden_correct, first };
// "golden_correct" | "first"; throws beamline::Error.
SelectionRule parse_selection_rule(const std::string& text);

// Whether row `row` (an index into DatasetRows::rows) has a correct
// unprotected golden run.
using GoldenCorrect = std::function<bool(size_t row)>;

// Selections in progress, kept across units per (model, dataset, rule) key:
// rows examined once are never examined again.
class InputSelector {
 public:
  // Indices into `rows.rows` of inputs 0..count-1. Throws beamline::Error
  // when the dataset runs out of qualifying rows first; `what` names the
  // model and dataset for that message.
  std::vector<size_t> select(const std::string& key, const DatasetRows& rows, SelectionRule rule, size_t count,
                             const GoldenCorrect& golden_correct, const std::string& what);

 private:
  struct Progress {
    std::vector<size_t> chosen;
    size_t next_row = 0;  // first row not yet examined
  };
  std::map<std::string, Progress> progress_;
};

}  // namespace beamline::units
