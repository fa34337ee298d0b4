#pragma once
// The coordinator's notion of now: milliseconds since the Unix epoch (the
// store's time unit). Injected so scheduler tests drive heartbeats and lease
// expiry without waiting.
#include <chrono>
#include <cstdint>

namespace beamline::coordinator {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Tests: time moves only when told.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_; }
  void advance(int64_t ms) { now_ += ms; }

 private:
  int64_t now_;
};

}  // namespace beamline::coordinator
