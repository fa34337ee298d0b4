#pragma once
// Applying a fault plan to the model's own tensors, in place, and undoing it
// exactly.
//
// Apply saves the stored words (int32/int16) of every element it touches
// and writes the faulty words; restore() writes the saved words back. Undo
// never reloads the model and never goes through float: the tensors are
// bit for bit what they were, NaN payloads included.
//
// Who may mutate what: while an AppliedFaults is alive the model is a
// corrupted model; nothing else may run steps on it or fault it again (a
// worker runs weight trials one at a time per model). Tensors must be
// contiguous (weights loaded from safetensors are).
#include <ATen/core/Tensor.h>

#include <vector>

#include "worker/weightfaults/fault_plan.h"

namespace beamline::weightfaults {

struct FaultTarget {
  at::Tensor tensor;  // a model tensor, written in place
  StorageEncoding encoding = StorageEncoding::fp32;
};

class AppliedFaults {
 public:
  // Applies `plan` (drawn on these targets' extents) to `targets`. On an
  // exception nothing stays changed.
  AppliedFaults(const std::vector<FaultTarget>& targets, const FaultPlan& plan);
  // Restores unless restore() already did. A failure to restore ends the
  // process: a silently corrupted model must not run on.
  ~AppliedFaults();
  AppliedFaults(const AppliedFaults&) = delete;
  AppliedFaults& operator=(const AppliedFaults&) = delete;

  // Writes the saved words back; later calls do nothing.
  void restore();
  int64_t elements_touched() const { return elements_touched_; }

 private:
  struct Touched {
    at::Tensor words;      // the target's storage as a flat integer view
    at::Tensor indices;    // int64, on the target's device
    at::Tensor originals;  // the saved words, on the target's device
  };
  void apply_to_tensor(const FaultTarget& target, const FaultPlan& plan, size_t begin, size_t end);

  std::vector<Touched> touched_;
  int64_t elements_touched_ = 0;
};

// What draw_fault_plan needs to know about `targets`.
std::vector<TensorExtent> extents_of(const std::vector<FaultTarget>& targets);

}  // namespace beamline::weightfaults
