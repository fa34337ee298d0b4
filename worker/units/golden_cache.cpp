#include "worker/units/golden_cache.h"

#include <algorithm>

#include "common/manifest/file_digest.h"
#include "worker/units/trial_setup.h"

namespace beamline::units {

std::shared_ptr<const engine::GoldenRun> GoldenCache::get(const GoldenKey& key, runtime::LoadedModel& model,
                                                          const judge::DatasetInput& input,
                                                          const engine::ProtectionSetup& setup) {
  auto found = runs_.find(key);
  if (found != runs_.end()) {
    found->second.last_use = ++uses_;
    return found->second.run;
  }
  engine::GenerationSettings settings;
  settings.max_new_tokens = generation_length(input);
  auto run = std::make_shared<const engine::GoldenRun>(engine::run_golden(model, input, setup, settings));
  while (!runs_.empty() && runs_.size() >= capacity_) {
    auto oldest = std::min_element(runs_.begin(), runs_.end(), [](const auto& a, const auto& b) {
      return a.second.last_use < b.second.last_use;
    });
    runs_.erase(oldest);
  }
  runs_[key] = Entry{run, ++uses_};
  return run;
}

void GoldenCache::forget(const GoldenKey& key) { runs_.erase(key); }

void GoldenCache::report(const GoldenKey& key, const judge::DatasetInput& input, const GoldenNames& names) {
  std::lock_guard<std::mutex> lock(pending_mutex_);
  if (reported_.count(key)) return;
  auto found = runs_.find(key);
  if (found == runs_.end()) return;  // never computed here: nothing to report
  pending_.push_back(golden_message(*found->second.run, key, input, names));
  reported_.insert(key);
}

std::vector<wire::GoldenRun> GoldenCache::take_pending() {
  std::lock_guard<std::mutex> lock(pending_mutex_);
  std::vector<wire::GoldenRun> out;
  out.swap(pending_);
  return out;
}

wire::GoldenRun golden_message(const engine::GoldenRun& golden, const GoldenKey& key,
                               const judge::DatasetInput& input, const GoldenNames& names) {
  wire::GoldenRun message;
  message.set_model(names.model);
  message.set_dataset(names.dataset);
  message.set_input_index(names.input_index);
  message.set_source_row(key.source_row);
  message.set_prompt_digest(manifest::digest_text(input.prompt));
  message.set_protection(names.protection);
  message.set_output_text(golden.text);
  for (const int64_t token : golden.tokens) message.add_output_tokens(token);
  message.set_correct(golden.correct);
  message.set_steps(static_cast<uint32_t>(golden.steps));
  message.set_duration_seconds(golden.seconds);
  message.set_first_token_seconds(golden.first_token_seconds);
  return message;
}

}  // namespace beamline::units
