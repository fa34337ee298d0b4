#include "worker/engine/greedy_decoder.h"
#include "worker/engine/pass.h"
#include "worker/engine/trial_engine.h"

namespace beamline::engine::pass_detail {

void Pass::finish(double seconds) {
  ctx_.stats.pass_seconds += seconds;
  const Row& control = rows_[0];
  const double share = seconds / static_cast<double>(std::max<int64_t>(trials_run(), 1));
  ++ctx_.stats.passes;
  // The pass ends when its last trial row leaves. If the control was still
  // generating then, rows that left early continue as the golden run does
  // from the control's last step (the control started from the golden
  // state and computed the same tokens so far; only its last bits may
  // differ, DESIGN.md "Determinism").
  const GoldenRun& golden = ctx_.golden;
  std::vector<int64_t> control_future = control.decode.tokens;
  int64_t golden_tail_corrections = 0;
  if (!control.decode.stopped) {
    for (size_t t = control_future.size(); t < golden.tokens.size(); ++t) control_future.push_back(golden.tokens[t]);
    for (size_t s = static_cast<size_t>(step_); s < golden.step_corrections.size(); ++s) {
      golden_tail_corrections += golden.step_corrections[s];
    }
  }
  for (const Parked& p : parked_) {
    const Row& row = p.row;
    TrialResult& r = results_[static_cast<size_t>(row.request)];
    const TrialRequest& request = ctx_.requests[static_cast<size_t>(row.request)];
    r.trial_index = request.trial_index;
    r.site = request.site;
    r.seconds = share;
    r.injected = row.injected;
    r.value_before = row.value_before;
    r.value_after = row.value_after;
    bool non_finite = row.decode.non_finite;
    if (p.exited) {
      // Same state as the control from the fault's step on: the same
      // tokens, logits and corrections as the control from then on.
      r.tokens = control_future;
      non_finite = non_finite || control.decode.non_finite;
      r.corrections = row.corrections + (control.corrections - p.control_corrections) + golden_tail_corrections;
      ++ctx_.stats.early_exits;
    } else {
      r.tokens = row.decode.tokens;
      r.corrections = row.corrections;
    }
    r.text = decode_output(ctx_.model, r.tokens);
    r.first_divergence_step = first_difference(r.tokens, control_future);
    r.outcome = classify(r.tokens, non_finite, control_future, r.text, ctx_.input);
  }
}

void Pass::fail(const std::string& error, double seconds) {
  for (size_t r = 1; r < rows_.size(); ++r) parked_.push_back({rows_[r], false, 0});
  // Trials still waiting for their chunk of a chunked prefill.
  for (const auto& chunk : joining_) {
    for (size_t request : chunk) {
      Row row;
      row.request = static_cast<int64_t>(request);
      parked_.push_back({row, false, 0});
    }
  }
  const double share = seconds / static_cast<double>(std::max<size_t>(parked_.size(), 1));
  ++ctx_.stats.passes;
  for (const Parked& p : parked_) {
    TrialResult& r = results_[static_cast<size_t>(p.row.request)];
    const TrialRequest& request = ctx_.requests[static_cast<size_t>(p.row.request)];
    r = TrialResult{};
    r.trial_index = request.trial_index;
    r.site = request.site;
    r.seconds = share;
    r.injected = p.row.injected;
    r.value_before = p.row.value_before;
    r.value_after = p.row.value_after;
    r.outcome = Outcome::due;
    r.error = error;
  }
}

}  // namespace beamline::engine::pass_detail
