#pragma once
// Rows that join a forward step part-way (StepOptions::row_first_block):
// how many of the batch's first rows run each block, and the hidden state
// grown by copies of row 0 as rows join. With no row_first_block every row
// runs every block and both are pass-throughs.
#include <ATen/core/Tensor.h>

#include <vector>

namespace beamline::runtime {

class BlockRows {
 public:
  // first_blocks: null, or one entry per row (non-decreasing, row 0's 0),
  // as forward_step has checked them.
  BlockRows(const std::vector<int64_t>* first_blocks, int64_t batch);

  // Rows that run block `block` (a block index, or num_layers: all rows).
  int64_t running(int64_t block) const;
  // `hidden` ([running rows, n, d] before `block`) with the rows that
  // start at `block` appended, each a copy of row 0's.
  at::Tensor join(const at::Tensor& hidden, int64_t block) const;
  // The first `rows` rows of a per-row tensor (a view; t itself when it
  // has that many).
  static at::Tensor first_rows(const at::Tensor& t, int64_t rows);

 private:
  const std::vector<int64_t>* first_blocks_;
  int64_t batch_;
};

}  // namespace beamline::runtime
