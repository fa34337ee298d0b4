#pragma once
// Real `beamline coordinator` and `beamline worker` processes over loopback
// (the built binary, BEAMLINE_BINARY). The coordinator binds a free port
// ("tcp://127.0.0.1:*") and writes it to --endpoint-file. Waits poll the
// database or the process with generous timeouts; nothing asserts a time.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "common/campaign/campaign_parser.h"
#include "common/campaign/synthetic.h"
#include "common/fault/fault_model.h"
#include "coordinator/store/sqlite_db.h"
#include "tests/support/child_process.h"
#include "tests/support/results_db.h"
#include "tests/support/text_file.h"
#include "tests/support/wait_until.h"

namespace beamline::testing {

class ProcessTest : public ::testing::Test {
 protected:
  // How long a poll waits for another process before the test fails.
  static constexpr std::chrono::seconds kWaitDeadline{180};

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-procs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (HasFailure()) {
      for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
        if (entry.path().extension() == ".log") print_log_tail(entry.path());
      }
    }
    std::filesystem::remove_all(dir_);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path(name)) << text;
    return path(name);
  }

  // Starts a coordinator and returns it with its endpoint (empty if it never
  // bound). `extra`: option/value pairs, replacing the defaults here.
  std::pair<ChildProcess, std::string> coordinator(const std::string& db, const std::string& campaign,
                                                   const std::string& bind = "tcp://127.0.0.1:*",
                                                   const std::vector<std::string>& extra = {}) {
    const std::string endpoint_file = db + ".endpoint";
    std::filesystem::remove(endpoint_file);
    std::vector<std::string> args = {"--log-level", "info", "coordinator", "--db", db, "--bind", bind,
                                     "--endpoint-file", endpoint_file};
    for (const char* flag : {"--heartbeat-ms", "200", "--lease-ms", "4000"}) args.push_back(flag);
    for (size_t i = 0; i + 1 < extra.size(); i += 2) {
      const auto given = std::find(args.begin(), args.end(), extra[i]);
      if (given != args.end()) {
        *(given + 1) = extra[i + 1];  // an option is given once (CLI11 refuses repeats)
      } else {
        args.push_back(extra[i]);
        args.push_back(extra[i + 1]);
      }
    }
    if (!campaign.empty()) {
      args.push_back("--campaign");
      args.push_back(campaign);
    }
    ChildProcess process(args, path("coordinator.log"));
    return {std::move(process), wait_for_first_line(endpoint_file, kWaitDeadline)};
  }

  // model_root "" is the test's folder.
  ChildProcess worker(const std::string& endpoint, const std::string& id, const std::string& model_root = "") {
    return ChildProcess({"--log-level", "info", "worker", "--connect", endpoint, "--id", id, "--model-root",
                         model_root.empty() ? dir_.string() : model_root},
                        path("worker-" + id + ".log"));
  }

  std::string log(const std::string& name) const { return read_text_file(path(name)); }

  // The shared poll, with this fixture's deadline when a test names none.
  static bool wait_until(const std::function<bool()>& done, std::chrono::seconds deadline = kWaitDeadline) {
    return beamline::testing::wait_until(done, deadline);
  }

  // Every stored trial as text lines "cell key|index|outcome|site", sorted.
  static std::string trials(const std::string& db_path) {
    store::Database db(db_path, store::OpenMode::read_only);
    store::Statement rows(db,
                          "SELECT c.key, t.trial_index, t.outcome, t.site FROM trial t JOIN cell c ON c.id = t.cell_id"
                          " ORDER BY c.key, t.trial_index");
    std::string text;
    while (rows.step()) {
      text += rows.column_text(0) + "|" + std::to_string(rows.column_int64(1)) + "|" + rows.column_text(2) + "|" +
              rows.column_text(3) + "\n";
    }
    return text;
  }

  // Every stored trial of a synthetic campaign checked against
  // run_synthetic_trial (the pure function of seed, site key and index the
  // workers run): "" when all agree, else the first differences.
  static std::string synthetic_mismatches(const std::string& db_path, const std::string& campaign_path) {
    const auto spec = campaign::load_campaign(campaign_path);
    store::Database db(db_path, store::OpenMode::read_only);
    store::Statement rows(db,
                          "SELECT c.site_key, c.model, c.fault_model, t.trial_index, t.outcome, t.site FROM trial t"
                          " JOIN cell c ON c.id = t.cell_id");
    std::string differences;
    size_t shown = 0;
    while (rows.step()) {
      const auto model = std::find_if(spec.models.begin(), spec.models.end(),
                                      [&](const auto& m) { return m.name == rows.column_text(1); });
      if (model == spec.models.end()) return "a trial of unknown model " + rows.column_text(1);
      const auto index = static_cast<uint64_t>(rows.column_int64(3));
      const auto expected = campaign::run_synthetic_trial(spec.seed, rows.column_text(0), index,
                                                          fault::parse_fault_model(rows.column_text(2)),
                                                          model->synthetic);
      if (campaign::to_string(expected.outcome) != rows.column_text(4) || expected.site != rows.column_text(5)) {
        if (shown++ < 5) {
          differences += rows.column_text(0) + "#" + std::to_string(index) + ": stored " + rows.column_text(4) +
                         " " + rows.column_text(5) + ", expected " + campaign::to_string(expected.outcome) + " " +
                         expected.site + "\n";
        }
      }
    }
    return differences;
  }

  std::filesystem::path dir_;
};

}  // namespace beamline::testing
