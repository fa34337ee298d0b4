// The input selection rule on its own (no model): rows in file order, the
// task filter, golden_correct asking each row once, and input i the same
// however many inputs were asked for.
#include "worker/units/input_selection.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "tests/worker/runtime/tiny_models.h"

namespace beamline::units {
namespace {

TEST(InputSelection, TaskFilterSourceRowsAndGenerationLength) {
  runtime::testing::ScratchDir dir("input_selection");
  std::ofstream(dir.sub("d.jsonl")) << R"({"prompt": "a", "answer": "1", "task": "math"}
{"prompt": "b", "answer": "x", "task": "qa", "max_new_tokens": 9}

{"prompt": "c", "answer": "2", "task": "math", "max_new_tokens": 3}
)";
  const DatasetRows math = load_dataset_rows(dir.sub("d.jsonl"), "math", 0);
  ASSERT_EQ(math.rows.size(), 2u);
  EXPECT_EQ(math.source_rows, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(math.rows[0].max_new_tokens, 0);  // the default applies later
  EXPECT_EQ(math.rows[1].max_new_tokens, 3);
  const DatasetRows all = load_dataset_rows(dir.sub("d.jsonl"), "", 5);
  ASSERT_EQ(all.rows.size(), 3u);
  for (const auto& row : all.rows) EXPECT_EQ(row.max_new_tokens, 5);
  EXPECT_THROW(load_dataset_rows(dir.sub("d.jsonl"), "poetry", 0), Error);
  EXPECT_THROW(load_dataset_rows(dir.sub("none.jsonl"), "", 0), Error);
}

TEST(InputSelection, GoldenCorrectAsksEachRowOnceAndIsPrefixStable) {
  DatasetRows rows;
  rows.rows.resize(8);
  for (int i = 0; i < 8; ++i) rows.source_rows.push_back(i);
  const std::vector<bool> correct = {false, true, true, false, true, false, true, true};
  std::vector<size_t> asked;
  const GoldenCorrect golden = [&](size_t row) {
    asked.push_back(row);
    return static_cast<bool>(correct[row]);
  };
  InputSelector selector;
  EXPECT_EQ(selector.select("k", rows, SelectionRule::golden_correct, 2, golden, "m"), (std::vector<size_t>{1, 2}));
  EXPECT_EQ(asked, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(selector.select("k", rows, SelectionRule::golden_correct, 4, golden, "m"),
            (std::vector<size_t>{1, 2, 4, 6}));
  EXPECT_EQ(asked, (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6}));  // rows 0-2 not asked again
  EXPECT_EQ(selector.select("k", rows, SelectionRule::golden_correct, 1, golden, "m"), (std::vector<size_t>{1}));
  EXPECT_THROW(selector.select("k", rows, SelectionRule::golden_correct, 6, golden, "m"), Error);

  InputSelector first;
  EXPECT_EQ(first.select("f", rows, SelectionRule::first, 3, golden, "m"), (std::vector<size_t>{0, 1, 2}));
  EXPECT_THROW(first.select("f", rows, SelectionRule::first, 9, golden, "m"), Error);
  EXPECT_EQ(parse_selection_rule("first"), SelectionRule::first);
  EXPECT_THROW(parse_selection_rule("best"), Error);
}

}  // namespace
}  // namespace beamline::units
