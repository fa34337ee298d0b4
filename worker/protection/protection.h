#pragma once
// A protection at work: a LayerHook attached at the hook points it guards,
// counting per batch row how many values it corrected.
//
// Who mutates what: the forward pass calls on_output; the trial engine reads
// corrections() between steps and may hand a forked batch the state of the
// rows it came from (with_rows), never during a step.
#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "worker/modelio/model_config.h"
#include "worker/protection/layer_bounds.h"
#include "worker/protection/protection_kind.h"
#include "worker/runtime/hooks.h"

namespace beamline::protection {

class Protection : public runtime::LayerHook {
 public:
  const std::vector<runtime::HookPoint>& points() const { return points_; }
  void attach_to(runtime::HookSet& hooks, const std::shared_ptr<Protection>& self) const;

  // [batch] int64 on the model's device: values corrected per row so far.
  // Undefined before the first hooked output.
  const at::Tensor& corrections() const { return corrections_; }
  // Starts counting afresh (a batch forked from a golden run counts only
  // its own corrections).
  void clear_corrections() { corrections_ = at::Tensor(); }
  // Makes the counter [rows] now (zeros) if it is not there yet: a step
  // whose first hooked outputs have fewer rows than the batch (rows that
  // join part-way, runtime StepOptions::row_first_block) still counts for
  // every row. Outputs of fewer rows are always the batch's first rows.
  void count_rows(int64_t rows, const at::Device& device);

  // A copy for a batch whose row i continues row rows[i] of this one
  // (counts and any per-row state follow the rows).
  virtual std::shared_ptr<Protection> with_rows(const at::Tensor& rows) const = 0;

  // Whether row `row` of this protection will act exactly as row
  // `other_row` of `other` from here on (per-row state equal bit for bit;
  // counts are not state). Protections without per-row state always
  // match. The trial engine's early exit relies on it.
  virtual bool same_row_state(int64_t row, const Protection& other, int64_t other_row) const;

  // After a step some rows joined part-way: per-row state recorded from
  // outputs of fewer rows is completed to `rows` rows with row 0's (the
  // rows that skipped a block equalled row 0 there). Protections without
  // per-row state have nothing to do.
  virtual void complete_rows(int64_t rows);

  // The trial engine's prefill in position chunks (worker/engine/
  // prefill_chunks.h): the step-0 outputs that follow are chunk `chunk` of
  // the prompt (0 the first), and what a protection records at step 0 must
  // cover all chunks so far, as one whole prefill's would. -1 (the
  // default): step 0 is the whole prompt. Protections that record nothing
  // at step 0 ignore it.
  void set_prefill_chunk(int64_t chunk) { prefill_chunk_ = chunk; }

 protected:
  explicit Protection(std::vector<runtime::HookPoint> points) : points_(std::move(points)) {}
  void count(const at::Tensor& per_row);
  // The counter's first output.size(0) rows (a view: kernels add into it
  // in place), created as zeros for the output's rows on first use.
  at::Tensor counter(const at::Tensor& output);
  // The first output.size(0) rows of a per-row state tensor (a view).
  static at::Tensor rows_of(const at::Tensor& per_row, const at::Tensor& output);

  std::vector<runtime::HookPoint> points_;
  at::Tensor corrections_;
  int64_t prefill_chunk_ = -1;
};

// The protection for `options` on a model with `config`; nullptr for none.
// Offline-bound kinds need `offline_bounds` with an entry for every guarded
// point (a beamline::Error names the first one missing).
std::shared_ptr<Protection> make_protection(const ProtectionOptions& options, const modelio::ModelConfig& config,
                                            const LayerBounds* offline_bounds);

}  // namespace beamline::protection
