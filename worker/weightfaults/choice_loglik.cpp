#include "worker/weightfaults/choice_loglik.h"

#include <ATen/ATen.h>
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"
#include "worker/runtime/generate.h"

namespace beamline::weightfaults {
namespace {

struct OptionRow {
  std::vector<int64_t> ids;  // prompt + option tokens
  size_t scored_from = 0;    // first option token
};

OptionRow option_row(const runtime::LoadedModel& model, const judge::DatasetInput& question, int option) {
  const char letter = static_cast<char>('A' + option);
  const std::string continuation = question.option_continuations.empty()
                                       ? " " + std::string(1, letter)
                                       : question.option_continuations[static_cast<size_t>(option)];
  const std::vector<int64_t> prompt = model.encode(question.prompt);
  OptionRow row;
  row.ids = model.encode(question.prompt + continuation);
  const auto mismatch = std::mismatch(prompt.begin(), prompt.end(), row.ids.begin(), row.ids.end());
  row.scored_from = static_cast<size_t>(mismatch.second - row.ids.begin());
  if (row.scored_from >= row.ids.size()) {
    throw Error(fmt::format("input {}: option {} adds no token after the prompt", question.id, letter));
  }
  if (row.scored_from == 0) {
    throw Error(fmt::format("input {}: the prompt shares no token with prompt + option {}", question.id, letter));
  }
  return row;
}

}  // namespace

std::vector<ChoiceScore> score_choices(const runtime::LoadedModel& model,
                                       const std::vector<const judge::DatasetInput*>& questions,
                                       const runtime::HookSet* hooks) {
  std::vector<OptionRow> rows;
  for (const judge::DatasetInput* q : questions) {
    for (int o = 0; o < q->option_count; ++o) rows.push_back(option_row(model, *q, o));
  }
  if (rows.empty()) return {};
  std::vector<std::vector<int64_t>> ids;
  for (const OptionRow& r : rows) ids.push_back(r.ids);
  const runtime::CausalLM& lm = model.model();
  const int64_t pad = model.config().pad_token_id.value_or(0);
  const runtime::PromptBatch batch = runtime::left_pad(ids, pad, lm.device());
  const int64_t width = batch.input_ids.size(1);
  runtime::KVCache cache = lm.new_cache(static_cast<int64_t>(rows.size()), width);
  runtime::StepOptions step;
  step.hooks = hooks;
  step.logits = runtime::LogitsMode::all;
  const at::Tensor logits = lm.forward_step(batch.input_ids, batch.attention_mask, cache, step);  // [R, n, V]

  std::vector<double> row_logprob(rows.size());
  std::vector<bool> row_finite(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    const OptionRow& row = rows[r];
    const int64_t offset = width - static_cast<int64_t>(row.ids.size());
    std::vector<int64_t> columns;  // the column that predicts each option token
    std::vector<int64_t> tokens;
    for (size_t j = row.scored_from; j < row.ids.size(); ++j) {
      columns.push_back(offset + static_cast<int64_t>(j) - 1);
      tokens.push_back(row.ids[j]);
    }
    const at::Tensor picked = logits[static_cast<int64_t>(r)].index_select(0, at::tensor(columns).to(lm.device()));
    row_finite[r] = at::isfinite(picked).all().item<bool>();
    const at::Tensor logprobs = at::log_softmax(picked.to(at::kDouble), -1);
    row_logprob[r] =
        logprobs.gather(1, at::tensor(tokens).to(lm.device()).view({-1, 1})).sum().item<double>();
  }

  std::vector<ChoiceScore> scores;
  size_t r = 0;
  for (const judge::DatasetInput* q : questions) {
    ChoiceScore score;
    double best = -std::numeric_limits<double>::infinity();
    for (int o = 0; o < q->option_count; ++o, ++r) {
      score.non_finite = score.non_finite || !row_finite[r];
      score.option_logprobs.push_back(row_finite[r] ? row_logprob[r] : std::nan(""));
      if (row_finite[r] && row_logprob[r] > best) {  // ties: the first option wins
        best = row_logprob[r];
        score.chosen = o;
      }
    }
    if (score.non_finite) score.chosen = -1;
    scores.push_back(std::move(score));
  }
  return scores;
}

}  // namespace beamline::weightfaults
