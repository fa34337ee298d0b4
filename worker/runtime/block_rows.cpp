#include "worker/runtime/block_rows.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace beamline::runtime {

BlockRows::BlockRows(const std::vector<int64_t>* first_blocks, int64_t batch)
    : first_blocks_(first_blocks != nullptr && !first_blocks->empty() ? first_blocks : nullptr), batch_(batch) {}

int64_t BlockRows::running(int64_t block) const {
  if (first_blocks_ == nullptr) return batch_;
  return std::upper_bound(first_blocks_->begin(), first_blocks_->end(), block) - first_blocks_->begin();
}

at::Tensor BlockRows::join(const at::Tensor& hidden, int64_t block) const {
  const int64_t rows = running(block);
  const int64_t have = hidden.size(0);
  if (rows == have) return hidden;
  const at::Tensor copies = hidden.narrow(0, 0, 1).expand({rows - have, hidden.size(1), hidden.size(2)});
  return at::cat({hidden, copies}, 0);
}

at::Tensor BlockRows::first_rows(const at::Tensor& t, int64_t rows) {
  return t.size(0) == rows ? t : t.narrow(0, 0, rows);
}

}  // namespace beamline::runtime
