// UnitExecutor: units run one after another, and the unit queued next is
// prefetched while the current one runs (pipelining), once, and never
// ahead of an idle executor.
#include "worker/daemon/unit_executor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace beamline::worker {
namespace {

using namespace std::chrono_literals;

// run(unit 1) waits until the runner saw prefetch(unit 2): without
// pipelining it would wait until its deadline and report that.
class GatedRunner : public units::UnitRunner {
 public:
  void run(const wire::WorkUnit& unit, const units::EmitBatch& emit, const std::atomic<bool>&) override {
    std::unique_lock<std::mutex> lock(mutex_);
    runs_.push_back(unit.unit_id());
    if (unit.unit_id() == 1) {
      saw_prefetch_while_running_ = changed_.wait_for(lock, 60s, [this] { return has_prefetched(2); });
    }
    units::UnitBatch batch;
    batch.trials.emplace_back().set_trial_index(unit.unit_id());
    lock.unlock();
    emit(std::move(batch));
  }
  void prefetch(const wire::WorkUnit& unit, const std::atomic<bool>&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    prefetched_.push_back(unit.unit_id());
    changed_.notify_all();
  }

  bool has_prefetched(uint64_t id) const {
    for (uint64_t p : prefetched_) {
      if (p == id) return true;
    }
    return false;
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<uint64_t> runs_, prefetched_;
  bool saw_prefetch_while_running_ = false;
};

wire::WorkUnit unit_with_id(uint64_t id) {
  wire::WorkUnit unit;
  unit.set_unit_id(id);
  return unit;
}

std::vector<UnitEvent> events_until_finished(UnitExecutor& executor, size_t units) {
  std::vector<UnitEvent> all;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  size_t finished = 0;
  while (finished < units && std::chrono::steady_clock::now() < deadline) {
    for (auto& e : executor.take_events()) {
      finished += e.finished ? 1 : 0;
      all.push_back(std::move(e));
    }
    std::this_thread::sleep_for(1ms);
  }
  return all;
}

TEST(UnitExecutor, PrefetchesTheQueuedUnitWhileTheCurrentOneRuns) {
  GatedRunner runner;
  UnitExecutor executor(runner);
  executor.submit(unit_with_id(1));
  executor.submit(unit_with_id(2));
  executor.submit(unit_with_id(3));
  const auto events = events_until_finished(executor, 3);
  executor.stop();
  EXPECT_TRUE(runner.saw_prefetch_while_running_);
  EXPECT_EQ(runner.runs_, (std::vector<uint64_t>{1, 2, 3}));
  // Unit 2 while unit 1 ran; each unit at most once, and never unit 1,
  // which started on an idle executor. (Unit 3 is prefetched only if the
  // prefetch thread wakes before unit 2, which is not gated, ends.)
  ASSERT_FALSE(runner.prefetched_.empty());
  EXPECT_EQ(runner.prefetched_.front(), 2u);
  EXPECT_LE(runner.prefetched_.size(), 2u);
  for (size_t i = 1; i < runner.prefetched_.size(); ++i) EXPECT_EQ(runner.prefetched_[i], 3u);
  // Results streamed out per unit, in order, each unit finished once.
  std::vector<uint64_t> batches, finished;
  for (const auto& e : events) {
    if (e.batch) batches.push_back(e.unit_id);
    if (e.finished) finished.push_back(e.unit_id);
    EXPECT_TRUE(e.error.empty()) << e.error;
  }
  EXPECT_EQ(batches, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(finished, (std::vector<uint64_t>{1, 2, 3}));
}

// A prefetch that throws changes nothing: the unit still runs.
class ThrowingPrefetch : public GatedRunner {
 public:
  void prefetch(const wire::WorkUnit& unit, const std::atomic<bool>& stop) override {
    GatedRunner::prefetch(unit, stop);
    throw std::runtime_error("bad unit");
  }
};

TEST(UnitExecutor, AThrowingPrefetchLeavesTheUnitToRun) {
  ThrowingPrefetch runner;
  UnitExecutor executor(runner);
  executor.submit(unit_with_id(1));
  executor.submit(unit_with_id(2));
  const auto events = events_until_finished(executor, 2);
  executor.stop();
  EXPECT_EQ(runner.runs_, (std::vector<uint64_t>{1, 2}));
  size_t finished = 0;
  for (const auto& e : events) finished += e.finished && e.error.empty() ? 1 : 0;
  EXPECT_EQ(finished, 2u);
}

// prefetch off (the pipelining benchmark's other side): units still run in
// order and stream their results, and none is prepared ahead.
TEST(UnitExecutor, WithoutPrefetchRunsEveryUnitUnprepared) {
  GatedRunner runner;  // gates only unit 1, which is not submitted
  UnitExecutor executor(runner, false);
  for (uint64_t id = 2; id <= 4; ++id) executor.submit(unit_with_id(id));
  const auto events = events_until_finished(executor, 3);
  executor.stop();
  EXPECT_EQ(runner.runs_, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_TRUE(runner.prefetched_.empty());
  size_t finished = 0;
  for (const auto& e : events) finished += e.finished && e.error.empty() ? 1 : 0;
  EXPECT_EQ(finished, 3u);
}

}  // namespace
}  // namespace beamline::worker
