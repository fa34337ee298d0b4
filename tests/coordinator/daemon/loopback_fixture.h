#pragma once
// In-process daemons over loopback TCP: the coordinator on a thread (a free
// port picked by "tcp://127.0.0.1:*"), workers on threads running the
// SyntheticRunner. Real sockets, real SQLite, no LibTorch; no timing
// assertions -- every wait is bounded by a generous timeout that fails the
// test instead of hanging it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "coordinator/daemon/coordinator_daemon.h"
#include "coordinator/store/sqlite_db.h"
#include "worker/daemon/worker_daemon.h"
#include "worker/units/synthetic_runner.h"

namespace beamline::testing {

inline std::string synthetic_campaign(const std::string& name, int inputs, int trials_per_input, int unit_trials,
                                      double trial_ms = 0.0) {
  return fmt::format(R"(
[campaign]
name = "{0}"
seed = 11
[[model]]
name = "syn-a"
kind = "synthetic"
sdc_rate = 0.1
due_rate = 0.01
trial_ms = {4}
[[model]]
name = "syn-b"
kind = "synthetic"
sdc_rate = 0.3
trial_ms = {4}
[[dataset]]
name = "d"
inputs = {1}
[[fault]]
model = "single_bit"
[[fault]]
model = "none"
[budget]
trials_per_input = {2}
unit_trials = {3}
)",
                     name, inputs, trials_per_input, unit_trials, trial_ms);
}

class LoopbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-loopback-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_path_ = (dir_ / "results.db").string();
  }
  void TearDown() override {
    stop_.store(true);
    if (coordinator_.valid()) coordinator_.wait_for(std::chrono::seconds(60));
    std::filesystem::remove_all(dir_);
  }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // Starts the coordinator thread; returns its endpoint.
  std::string start_coordinator(const std::string& campaign_path) {
    auto bound = std::make_shared<std::promise<std::string>>();
    coordinator::CoordinatorOptions options;
    options.db_path = db_path_;
    options.campaign_path = campaign_path;
    options.bind = "tcp://127.0.0.1:*";
    options.handle_signals = false;
    options.scheduler.heartbeat_interval_ms = 200;
    options.scheduler.lease_ms = 5000;
    options.on_bound = [bound](const std::string& endpoint) { bound->set_value(endpoint); };
    options.should_stop = [this] { return stop_.load(); };
    coordinator_ = std::async(std::launch::async, [options] {
      try {
        return coordinator::run_coordinator(options);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "coordinator: " << e.what();
        return -1;
      }
    });
    auto endpoint = bound->get_future();
    if (endpoint.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
      ADD_FAILURE() << "the coordinator did not bind";
      return "";
    }
    return endpoint.get();
  }

  static worker::WorkerOptions worker_options(const std::string& endpoint, const std::string& id) {
    worker::WorkerOptions options;
    options.connect = endpoint;
    options.worker_id = id;
    options.handle_signals = false;
    options.reconnect_initial_ms = 100;
    options.reconnect_max_ms = 1000;
    options.model_root = ".";
    return options;
  }

  // A worker thread; the future holds its exit code, or -1 and the error.
  static std::future<std::pair<int, std::string>> start_worker(worker::WorkerOptions options) {
    return std::async(std::launch::async, [options]() -> std::pair<int, std::string> {
      units::SyntheticRunner runner(7);
      try {
        return {worker::run_worker(options, runner), ""};
      } catch (const std::exception& e) {
        return {-1, e.what()};
      }
    });
  }

  int coordinator_exit(std::chrono::seconds timeout = std::chrono::seconds(300)) {
    if (coordinator_.wait_for(timeout) != std::future_status::ready) {
      ADD_FAILURE() << "the coordinator did not finish in time";
      stop_.store(true);
      coordinator_.wait();
    }
    return coordinator_.get();
  }

  int64_t query(const std::string& sql) {
    store::Database db(db_path_);
    store::Statement statement(db, sql);
    if (!statement.step()) return -1;
    return statement.column_int64(0);
  }

  std::filesystem::path dir_;
  std::string db_path_;
  std::atomic<bool> stop_{false};
  std::future<int> coordinator_;
};

}  // namespace beamline::testing
