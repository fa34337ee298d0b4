#include "worker/weightfaults/weight_injection.h"

#include <ATen/ATen.h>

#include "common/error.h"

namespace beamline::weightfaults {
namespace {

// The faulty word for an element whose stored word is `word`.
uint32_t faulty_word(fault::FaultModel model, StorageEncoding encoding, uint32_t word, uint32_t fault_bits) {
  if (model == fault::FaultModel::value_uniform01) return word_of_format_bits(encoding, fault_bits);
  return word_of_format_bits(encoding, format_bits_of_word(encoding, word) ^ fault_bits);
}

}  // namespace

std::vector<TensorExtent> extents_of(const std::vector<FaultTarget>& targets) {
  std::vector<TensorExtent> extents;
  extents.reserve(targets.size());
  for (const FaultTarget& t : targets) extents.push_back({t.tensor.numel(), t.encoding});
  return extents;
}

AppliedFaults::AppliedFaults(const std::vector<FaultTarget>& targets, const FaultPlan& plan) {
  try {
    size_t begin = 0;
    while (begin < plan.faults.size()) {
      size_t end = begin;
      while (end < plan.faults.size() && plan.faults[end].tensor == plan.faults[begin].tensor) ++end;
      apply_to_tensor(targets.at(plan.faults[begin].tensor), plan, begin, end);
      begin = end;
    }
  } catch (...) {
    restore();
    throw;
  }
}

AppliedFaults::~AppliedFaults() { restore(); }

void AppliedFaults::apply_to_tensor(const FaultTarget& target, const FaultPlan& plan, size_t begin, size_t end) {
  if (!target.tensor.is_contiguous()) throw Error("weight faults: a selected tensor is not contiguous");
  const at::ScalarType word_dtype = raw_word_dtype(target.encoding);
  Touched touched;
  touched.words = target.tensor.view(word_dtype).view({-1});

  const auto count = static_cast<int64_t>(end - begin);
  at::Tensor indices = at::empty({count}, at::kLong);
  int64_t* index = indices.data_ptr<int64_t>();
  for (int64_t i = 0; i < count; ++i) index[i] = plan.faults[begin + static_cast<size_t>(i)].element;
  touched.indices = indices.to(target.tensor.device());
  touched.originals = touched.words.index_select(0, touched.indices);

  const at::Tensor saved = touched.originals.to(at::kCPU).contiguous();
  at::Tensor faulty = at::empty({count}, at::TensorOptions().dtype(word_dtype));
  for (int64_t i = 0; i < count; ++i) {
    const ElementFault& f = plan.faults[begin + static_cast<size_t>(i)];
    if (word_dtype == at::kInt) {
      const auto word = static_cast<uint32_t>(saved.data_ptr<int32_t>()[i]);
      faulty.data_ptr<int32_t>()[i] = static_cast<int32_t>(faulty_word(plan.model, target.encoding, word, f.bits));
    } else {
      const auto word = static_cast<uint16_t>(saved.data_ptr<int16_t>()[i]);
      const uint32_t next = faulty_word(plan.model, target.encoding, word, f.bits);
      faulty.data_ptr<int16_t>()[i] = static_cast<int16_t>(static_cast<uint16_t>(next));
    }
  }
  // Saved before writing, so a failure below still restores this tensor.
  touched_.push_back(touched);
  touched.words.index_copy_(0, touched.indices, faulty.to(target.tensor.device()));
  elements_touched_ += count;
}

void AppliedFaults::restore() {
  // Reverse order is not needed (each element is touched once), but keeps
  // the undo the mirror of the apply.
  for (auto it = touched_.rbegin(); it != touched_.rend(); ++it) it->words.index_copy_(0, it->indices, it->originals);
  touched_.clear();
}

}  // namespace beamline::weightfaults
