#pragma once
// Rate limiting for what the coordinator logs and records about peers it
// does not act on (bad frames, refused hellos). Every event row is a
// transaction with an fsync, so a client that floods must cost neither the
// log, nor the database, nor the loop's throughput: the first
// `per_window` events of a window are let through one by one, the rest are
// only counted, and the count is reported once when the window closes.
#include <cstddef>
#include <cstdint>

namespace beamline::coordinator {

class EventThrottle {
 public:
  EventThrottle(size_t per_window, int64_t window_ms, int64_t now_ms)
      : per_window_(per_window), window_ms_(window_ms), window_start_ms_(now_ms) {}

  // Whether this event is one to log and record in full; otherwise it is
  // only counted. Call close() first, so a window that has run out is
  // reported and a new one started.
  bool admit();
  // True right after the admit() that used up the window's allowance: the
  // moment to say that further events are only counted.
  bool allowance_just_used() const { return in_window_ == per_window_; }

  // When the window has run out (or with force, at once): the number of
  // events it only counted, and a new window starts. 0 otherwise.
  size_t close(int64_t now_ms, bool force = false);
  int64_t window_start_ms() const { return window_start_ms_; }

 private:
  size_t per_window_;
  int64_t window_ms_;
  int64_t window_start_ms_;
  size_t in_window_ = 0;
  size_t suppressed_ = 0;
};

}  // namespace beamline::coordinator
