#pragma once
// The coordinator process: lock the database, open or resume the campaign,
// build the manifest, bind the ROUTER and run the loop until the campaign
// is complete (exit 0) or a signal stops it (drain, then exit 130). Used by
// `beamline coordinator` and, in-process, by `beamline run`.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "coordinator/daemon/scheduler.h"

namespace beamline::coordinator {

struct Progress {
  uint64_t done = 0;
  uint64_t total = 0;  // planned trials; a cell stopped by its half-width target counts what it ran
  uint64_t sdc = 0;
  uint64_t due = 0;
  size_t workers = 0;
  bool complete = false;
};

struct CoordinatorOptions {
  std::string db_path;
  std::optional<std::string> campaign_path;  // may be left out on an existing database
  std::string bind = "tcp://*:5555";
  std::string http;  // HOST:PORT of the read-only HTTP endpoint; empty: none
  SchedulerOptions scheduler;
  uint32_t drain_ms = 10000;  // after the first signal, how long in-flight results are awaited
  bool handle_signals = true;

  // Called once the socket is bound, with the actual endpoint.
  std::function<void(const std::string& endpoint)> on_bound;
  // Called about twice a second and once at the end.
  std::function<void(const Progress&)> on_progress;
  // Polled every pass: true asks for the same drain as a signal.
  std::function<bool()> should_stop;
};

inline constexpr int kExitComplete = 0;
inline constexpr int kExitStopped = 130;

// Throws beamline::Error for bad input (campaign file, database, bind
// address, a unit that keeps failing).
int run_coordinator(const CoordinatorOptions& options);

// Sums of store::Store::cell_progress(), as Progress reports them.
Progress progress_of(store::Store& store);

}  // namespace beamline::coordinator
