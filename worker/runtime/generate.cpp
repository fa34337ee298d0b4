#include "worker/runtime/generate.h"

#include <torch/torch.h>

#include <algorithm>

#include "common/error.h"

namespace beamline::runtime {
namespace {

int64_t resolve_pad(const modelio::ModelConfig& config, const GenerateOptions& options) {
  if (options.pad_token_id) return *options.pad_token_id;
  if (config.pad_token_id) return *config.pad_token_id;
  if (!config.eos_token_ids.empty()) return config.eos_token_ids.front();
  return 0;
}

}  // namespace

PromptBatch left_pad(const std::vector<std::vector<int64_t>>& prompts, int64_t pad_id, const at::Device& device) {
  if (prompts.empty()) throw Error("generate: no prompts");
  size_t longest = 0;
  for (size_t row = 0; row < prompts.size(); ++row) {
    if (prompts[row].empty()) throw Error("generate: prompt " + std::to_string(row) + " is empty");
    longest = std::max(longest, prompts[row].size());
  }
  const auto batch = static_cast<int64_t>(prompts.size());
  const auto width = static_cast<int64_t>(longest);
  at::Tensor ids = at::full({batch, width}, pad_id, at::kLong);
  at::Tensor mask = at::zeros({batch, width}, at::kLong);
  auto ids_a = ids.accessor<int64_t, 2>();
  auto mask_a = mask.accessor<int64_t, 2>();
  for (int64_t row = 0; row < batch; ++row) {
    const auto& prompt = prompts[static_cast<size_t>(row)];
    const int64_t offset = width - static_cast<int64_t>(prompt.size());
    for (size_t i = 0; i < prompt.size(); ++i) {
      ids_a[row][offset + static_cast<int64_t>(i)] = prompt[i];
      mask_a[row][offset + static_cast<int64_t>(i)] = 1;
    }
  }
  return {ids.to(device), mask.to(device)};
}

GenerateResult generate(const CausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
                        const GenerateOptions& options) {
  const PromptBatch batch = left_pad(prompts, resolve_pad(model.config(), options), model.device());
  GenerateResult empty;
  if (options.max_new_tokens <= 0) {
    empty.tokens.resize(prompts.size());
    empty.stopped_at_eos.assign(prompts.size(), false);
    return empty;
  }
  KVCache cache = model.new_cache(batch.input_ids.size(0), batch.input_ids.size(1) + options.max_new_tokens);
  StepOptions step;
  step.step = 0;
  step.hooks = options.hooks;
  const at::Tensor logits = model.forward_step(batch.input_ids, batch.attention_mask, cache, step);
  if (options.on_logits) options.on_logits(0, logits);
  GenerateResult result = continue_greedy(model, cache, logits, 1, options);
  result.steps += 1;
  return result;
}

GenerateResult continue_greedy(const CausalLM& model, KVCache& cache, const at::Tensor& next_logits, int64_t next_step,
                               const GenerateOptions& options) {
  const int64_t batch = cache.batch();
  const std::vector<int64_t> eos = options.eos_token_ids.value_or(model.config().eos_token_ids);
  const int64_t pad = resolve_pad(model.config(), options);

  GenerateResult result;
  result.tokens.resize(static_cast<size_t>(batch));
  result.stopped_at_eos.assign(static_cast<size_t>(batch), false);
  std::vector<bool> done(static_cast<size_t>(batch), false);

  at::Tensor logits = next_logits;
  StepOptions step;
  step.hooks = options.hooks;
  step.step = next_step;
  for (int64_t produced = 0; produced < options.max_new_tokens; ++produced) {
    const at::Tensor picked = logits.argmax(-1).to(at::kCPU, at::kLong).contiguous();
    const int64_t* next = picked.data_ptr<int64_t>();
    std::vector<int64_t> feed(static_cast<size_t>(batch), pad);
    bool all_done = true;
    for (size_t row = 0; row < done.size(); ++row) {
      if (done[row]) continue;
      result.tokens[row].push_back(next[row]);
      feed[row] = next[row];
      if (std::find(eos.begin(), eos.end(), next[row]) != eos.end()) {
        done[row] = true;
        result.stopped_at_eos[row] = true;
      }
      all_done = all_done && done[row];
    }
    if (all_done || produced + 1 == options.max_new_tokens) break;

    const at::Tensor input = at::from_blob(feed.data(), {batch, 1}, at::kLong).to(model.device());
    logits = model.forward_step(input, at::Tensor(), cache, step);
    if (options.on_logits) options.on_logits(step.step, logits);
    ++step.step;
    ++result.steps;
  }
  return result;
}

}  // namespace beamline::runtime
