#pragma once
// Shared by the store tests: a fresh database file per test and a small
// synthetic campaign (1 cell, 2 inputs x 4 trials, units of 2 trials).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/campaign/campaign_parser.h"
#include "coordinator/store/campaign_setup.h"

namespace beamline::store::testing {

inline std::string small_campaign(const std::string& extra = "") {
  return R"(
[campaign]
name = "small"
seed = 3
[[model]]
name = "fake"
kind = "synthetic"
sdc_rate = 0.5
[[dataset]]
name = "d"
inputs = 2
[[fault]]
model = "single_bit"
)" + extra + R"(
[budget]
trials_per_input = 4
unit_trials = 2
)";
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_path_ = (dir_ / "results.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  OpenedCampaign open(const std::string& campaign_text, TimeMs now = 1000) {
    return open_campaign_store(db_path_, campaign::campaign_source_from_text("small.toml", campaign_text), now);
  }

  static TrialRecord trial(int64_t cell_id, uint64_t index, campaign::Outcome outcome = campaign::Outcome::sdc) {
    TrialRecord record;
    record.cell_id = cell_id;
    record.trial_index = index;
    record.input_index = 0;
    record.outcome = outcome;
    record.site = "synthetic:u=0.5";
    return record;
  }

  static ResultBatch batch(const std::string& worker, const LeasedUnit& unit) {
    ResultBatch result{worker, unit.id, {}, {}};
    for (uint64_t t = unit.unit.trial_begin; t < unit.unit.trial_end; ++t) {
      result.trials.push_back(trial(unit.unit.cell_id, t));
    }
    return result;
  }

  static WorkerInfo worker(const std::string& id) {
    WorkerInfo info;
    info.id = id;
    info.device = "cpu";
    info.capacity = 2;
    info.protocol_version = 1;
    return info;
  }

  std::filesystem::path dir_;
  std::string db_path_;
};

}  // namespace beamline::store::testing
