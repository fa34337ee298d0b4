#pragma once
// Runs work units one after another on its own thread, so the daemon's
// socket loop keeps heartbeating while a long unit computes. The runner
// thread only calls the UnitRunner and queues events; the socket loop takes
// them with take_events() -- the runner never touches the socket.
//
// Pipelining: while a unit runs, a second thread asks the runner to
// prefetch the unit queued next (UnitRunner::prefetch: its model, inputs
// and golden runs), once per unit, so that unit starts from warm caches.
// Results of the running unit stream out batch by batch meanwhile.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "worker/units/unit_runner.h"

namespace beamline::worker {

struct UnitEvent {
  uint64_t unit_id = 0;
  std::optional<units::UnitBatch> batch;  // some trials
  bool finished = false;                  // every trial emitted
  std::string error;                      // the unit could not run (finished is set too)
};

struct UnitInHand {
  uint64_t unit_id = 0;
  uint64_t trials_done = 0;
};

class UnitExecutor {
 public:
  // prefetch false: no prefetch thread, each unit prepares itself when it
  // starts (bench/pipeline_bench.cpp measures the difference).
  explicit UnitExecutor(units::UnitRunner& runner, bool prefetch = true);
  ~UnitExecutor();  // stop()
  UnitExecutor(const UnitExecutor&) = delete;
  UnitExecutor& operator=(const UnitExecutor&) = delete;

  void submit(wire::WorkUnit unit);
  std::vector<UnitEvent> take_events();
  // Queued and running units (the running one first), with progress.
  std::vector<UnitInHand> units() const;
  bool holds(uint64_t unit_id) const;
  size_t load() const;  // queued + running

  // Asks the running unit to stop at its next batch, drops the queue and
  // joins the thread. A stopped unit gets no `finished` event.
  void stop();

 private:
  void loop();
  void prefetch_loop();
  // The queued unit to prefetch next, if any (mutex_ held).
  const wire::WorkUnit* next_to_prefetch() const;

  units::UnitRunner& runner_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<wire::WorkUnit> queue_;
  std::optional<UnitInHand> running_;
  std::vector<UnitEvent> events_;
  std::atomic<bool> stop_{false};
  bool quit_ = false;
  std::set<uint64_t> prefetched_;  // unit ids handed to prefetch (queued or running ones)
  std::condition_variable prefetch_wake_;
  std::thread thread_;
  std::thread prefetch_thread_;
};

}  // namespace beamline::worker
