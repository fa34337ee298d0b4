#include "worker/daemon/unit_executor.h"

#include <exception>

#include "common/error.h"

namespace beamline::worker {

UnitExecutor::UnitExecutor(units::UnitRunner& runner, bool prefetch) : runner_(runner), thread_([this] { loop(); }) {
  if (prefetch) prefetch_thread_ = std::thread([this] { prefetch_loop(); });
}

UnitExecutor::~UnitExecutor() { stop(); }

void UnitExecutor::submit(wire::WorkUnit unit) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(unit));
  }
  wake_.notify_one();
  prefetch_wake_.notify_one();
}

std::vector<UnitEvent> UnitExecutor::take_events() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<UnitEvent> out;
  out.swap(events_);
  return out;
}

std::vector<UnitInHand> UnitExecutor::units() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<UnitInHand> out;
  if (running_) out.push_back(*running_);
  for (const auto& unit : queue_) out.push_back({unit.unit_id(), 0});
  return out;
}

bool UnitExecutor::holds(uint64_t unit_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (running_ && running_->unit_id == unit_id) return true;
  for (const auto& unit : queue_) {
    if (unit.unit_id() == unit_id) return true;
  }
  return false;
}

size_t UnitExecutor::load() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size() + (running_ ? 1 : 0);
}

void UnitExecutor::stop() {
  stop_.store(true);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
    queue_.clear();
  }
  wake_.notify_one();
  prefetch_wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (prefetch_thread_.joinable()) prefetch_thread_.join();
}

const wire::WorkUnit* UnitExecutor::next_to_prefetch() const {
  // Only behind a running unit: an idle executor starts the unit itself.
  if (!running_ || queue_.empty() || prefetched_.count(queue_.front().unit_id())) return nullptr;
  return &queue_.front();
}

void UnitExecutor::prefetch_loop() {
  while (true) {
    wire::WorkUnit unit;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      prefetch_wake_.wait(lock, [this] { return quit_ || next_to_prefetch() != nullptr; });
      if (quit_) return;
      unit = *next_to_prefetch();
      prefetched_.insert(unit.unit_id());
    }
    try {
      runner_.prefetch(unit, stop_);
    } catch (const std::exception&) {
      // The unit's own run reports what is wrong with it.
    }
  }
}

void UnitExecutor::loop() {
  while (true) {
    wire::WorkUnit unit;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return quit_ || !queue_.empty(); });
      if (quit_) return;
      unit = std::move(queue_.front());
      queue_.pop_front();
      running_ = UnitInHand{unit.unit_id(), 0};
    }
    prefetch_wake_.notify_one();  // the next queued unit, if any, can be prepared now
    const uint64_t id = unit.unit_id();
    UnitEvent last{id, std::nullopt, true, ""};
    try {
      runner_.run(
          unit,
          [this, id](units::UnitBatch&& batch) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (running_) running_->trials_done += batch.trials.size();
            events_.push_back({id, std::move(batch), false, ""});
          },
          stop_);
    } catch (const std::exception& e) {
      // Error or anything else: the unit failed, the worker lives on.
      last.error = e.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    running_.reset();
    prefetched_.erase(id);
    if (!stop_.load() || !last.error.empty()) events_.push_back(std::move(last));
  }
}

}  // namespace beamline::worker
