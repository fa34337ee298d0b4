#pragma once
// The rows the coordinator exchanges with its store. Times are milliseconds
// since the Unix epoch from the caller's clock: the store never reads a
// clock itself, so tests drive lease expiry by passing times.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/campaign/outcome.h"

namespace beamline::store {

using TimeMs = int64_t;

struct StoredCampaign {
  std::string name;
  uint64_t seed = 0;
  std::string source_path;
  std::string toml;
  std::string toml_hash;
  std::optional<TimeMs> completed_ms;
};

struct CellRow {
  int64_t id = 0;
  std::string key;
  std::string site_key;
  std::string definition;
  uint64_t planned_trials = 0;
  bool budget_met = false;
};

struct UnitSpec {
  int64_t cell_id = 0;
  int64_t input_index = 0;  // -1: every input (weight cells)
  uint64_t trial_begin = 0;
  uint64_t trial_end = 0;
};

struct LeasedUnit {
  int64_t id = 0;
  UnitSpec unit;
  int64_t issue_count = 0;  // 1 on the first lease, more once reissued
  TimeMs deadline_ms = 0;
};

struct WorkerInfo {
  std::string id;
  std::string device;
  uint32_t capacity = 0;
  std::string hostname;
  uint32_t pid = 0;
  uint32_t protocol_version = 0;
  std::string build;
};

struct TrialRecord {
  int64_t cell_id = 0;
  uint64_t trial_index = 0;
  int64_t input_index = 0;
  campaign::Outcome outcome = campaign::Outcome::masked_identical;
  std::string site;
  uint64_t corrections = 0;
  std::optional<int64_t> first_divergence_step;  // none: identical to golden
  double duration_seconds = 0.0;
  std::optional<double> accuracy;  // weight-fault trials
  std::optional<uint64_t> non_finite;
  std::optional<uint64_t> fault_count;
};

// The fault-free run of one input under one protection (the input and
// golden tables). The store keeps the first it receives for a key.
struct GoldenRecord {
  std::string model;
  std::string dataset;
  int64_t input_index = 0;
  std::optional<int64_t> source_row;
  std::string prompt_digest;
  std::string protection;  // label, as in cell keys
  std::string output_text;
  std::string output_tokens;  // space-separated token ids
  bool correct = false;
  int64_t steps = 0;
  double duration_seconds = 0.0;
  double first_token_seconds = 0.0;
};

// One Results message: a unit's trials from one worker.
struct ResultBatch {
  std::string worker_id;
  int64_t unit_id = 0;
  std::vector<TrialRecord> trials;
  std::vector<GoldenRecord> golden;  // stored in the same transaction
};

enum class TrialInsert {
  stored,     // new: now in the database
  duplicate,  // already stored (a resend or a late result for a reissued unit)
  rejected,   // not a trial of this unit (unknown unit, other cell, outside its range)
};

struct BatchOutcome {
  std::vector<TrialInsert> trials;  // one per trial of the batch, in order
  size_t stored = 0;
  size_t duplicates = 0;
  size_t rejected = 0;
  bool unit_done = false;  // every trial of the unit is now stored
};

struct CellProgress {
  int64_t cell_id = 0;
  std::string key;
  uint64_t planned = 0;
  uint64_t done = 0;
  uint64_t pending = 0;  // planned - done, 0 once the budget is met
  uint64_t sdc = 0;
  uint64_t due = 0;
  bool budget_met = false;
};

struct UnitCounts {
  uint64_t pending = 0;
  uint64_t leased = 0;
  uint64_t done = 0;
  uint64_t cancelled = 0;
};

}  // namespace beamline::store
