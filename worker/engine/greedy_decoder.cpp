#include "worker/engine/greedy_decoder.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>

namespace beamline::engine {

void note_non_finite(const at::Tensor& logits, std::vector<RowDecode>& rows) {
  const at::Tensor finite = at::isfinite(logits).all(-1).to(at::kCPU).contiguous();
  const bool* ok = finite.data_ptr<bool>();
  for (size_t row = 0; row < rows.size(); ++row) {
    if (!rows[row].stopped && !ok[row]) rows[row].non_finite = true;
  }
}

int64_t decode_greedy(runtime::CausalLM& model, runtime::KVCache& cache, at::Tensor logits, int64_t next_step,
                      const DecodeSettings& settings, std::vector<RowDecode>& rows) {
  const auto batch = static_cast<int64_t>(rows.size());
  int64_t steps_run = 0;
  runtime::StepOptions step;
  step.hooks = settings.hooks;
  step.step = next_step;
  while (true) {
    note_non_finite(logits, rows);
    const at::Tensor picked = logits.argmax(-1).to(at::kCPU, at::kLong).contiguous();
    const int64_t* next = picked.data_ptr<int64_t>();
    std::vector<int64_t> feed(rows.size(), settings.pad_token_id);
    bool any_active = false;
    for (size_t r = 0; r < rows.size(); ++r) {
      RowDecode& row = rows[r];
      if (row.stopped) continue;
      row.tokens.push_back(next[r]);
      feed[r] = next[r];
      const auto& eos = settings.eos_token_ids;
      if (std::find(eos.begin(), eos.end(), next[r]) != eos.end() ||
          static_cast<int64_t>(row.tokens.size()) >= settings.max_new_tokens) {
        row.stopped = true;
      }
      any_active = any_active || !row.stopped;
    }
    if (!any_active) return steps_run;
    const at::Tensor input = at::from_blob(feed.data(), {batch, 1}, at::kLong).to(model.device());
    logits = model.forward_step(input, at::Tensor(), cache, step);
    if (settings.after_step) settings.after_step(step.step);
    ++step.step;
    ++steps_run;
  }
}

DecodeSettings decode_settings(const runtime::LoadedModel& model, int64_t max_new_tokens,
                               const runtime::HookSet* hooks) {
  DecodeSettings decode;
  decode.max_new_tokens = max_new_tokens;
  decode.eos_token_ids = model.config().eos_token_ids;
  decode.pad_token_id = model.config().pad_token_id.value_or(0);
  decode.hooks = hooks;
  return decode;
}

SingleRun generate_single(runtime::LoadedModel& model, const std::vector<int64_t>& prompt,
                          const runtime::HookSet* hooks, int64_t max_new_tokens,
                          const runtime::BlockInputObserver& on_block_input,
                          const std::function<void(int64_t step)>& after_step) {
  using Clock = std::chrono::steady_clock;
  runtime::CausalLM& lm = model.model();
  SingleRun run;
  run.cache = lm.new_cache(1, static_cast<int64_t>(prompt.size()) + max_new_tokens);
  const auto start = Clock::now();
  runtime::StepOptions prefill;
  prefill.hooks = hooks;
  prefill.on_block_input = on_block_input;
  const at::Tensor logits = lm.forward_step(at::tensor(prompt, at::kLong).view({1, -1}), at::Tensor(), run.cache, prefill);
  run.first_token_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (after_step) after_step(0);
  std::vector<RowDecode> rows(1);
  DecodeSettings decode = decode_settings(model, max_new_tokens, hooks);
  decode.after_step = after_step;
  run.steps = 1 + decode_greedy(lm, run.cache, logits, 1, decode, rows);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.row = std::move(rows[0]);
  return run;
}

}  // namespace beamline::engine
