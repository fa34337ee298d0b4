#pragma once
// Golden runs a worker has computed, kept across units, per (model,
// dataset, input row, protection): every unit of an input reuses them, and
// every trial resumes from their KV cache. Each is reported to the
// coordinator once per worker (GoldenRun messages ride on the next batch a
// unit emits; the store keeps the first it receives).
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "schema/beamline.pb.h"
#include "worker/engine/golden_run.h"
#include "worker/judge/dataset.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::units {

struct GoldenKey {
  std::string model;       // ModelCache::key
  std::string dataset;     // the dataset's path, task and generation length
  int64_t source_row = 0;  // the row in the file
  // The protection's options and bounds file ("none" for the unprotected
  // run): two offline protections with one label but different bounds
  // files are different golden runs.
  std::string protection;

  bool operator<(const GoldenKey& other) const {
    return std::tie(model, dataset, source_row, protection) <
           std::tie(other.model, other.dataset, other.source_row, other.protection);
  }
};

// What a GoldenRun message says about the run besides the run itself.
struct GoldenNames {
  std::string model;    // the campaign's model name
  std::string dataset;  // the campaign's dataset name
  int64_t input_index = 0;
  std::string protection = "none";  // its label, as in cell keys ("none", "ft2:policy=...")
};

// Not thread-safe except where noted: the owner (ModelRunner) guards get,
// forget and report with its state lock. take_pending and report share an
// internal lock, so a running unit takes its pending messages while
// another thread fills the cache.
class GoldenCache {
 public:
  // At most `capacity` runs are kept (least recently used dropped first; a
  // dropped run is recomputed if asked for again). A run holds its KV cache,
  // which for a large model is the memory that matters.
  explicit GoldenCache(size_t capacity = 256) : capacity_(capacity) {}

  // The golden run for `key`, generated (batch 1, max_new_tokens from the
  // input) on first use. Shared: eviction never pulls it from under a user.
  std::shared_ptr<const engine::GoldenRun> get(const GoldenKey& key, runtime::LoadedModel& model,
                                               const judge::DatasetInput& input,
                                               const engine::ProtectionSetup& setup);

  // Drops a run no trial will resume from (a row the selection rejected).
  void forget(const GoldenKey& key);

  // Queues the GoldenRun message of a cached run, once per key per worker.
  void report(const GoldenKey& key, const judge::DatasetInput& input, const GoldenNames& names);

  // The queued messages, emptied. Safe beside get/forget/report.
  std::vector<wire::GoldenRun> take_pending();

  size_t size() const { return runs_.size(); }

 private:
  struct Entry {
    std::shared_ptr<const engine::GoldenRun> run;
    uint64_t last_use = 0;
  };
  size_t capacity_;
  uint64_t uses_ = 0;
  std::map<GoldenKey, Entry> runs_;
  std::mutex pending_mutex_;  // guards reported_ and pending_
  std::set<GoldenKey> reported_;
  std::vector<wire::GoldenRun> pending_;
};

// The message; prompt_digest is manifest::digest_text of the prompt.
wire::GoldenRun golden_message(const engine::GoldenRun& golden, const GoldenKey& key,
                               const judge::DatasetInput& input, const GoldenNames& names);

}  // namespace beamline::units
