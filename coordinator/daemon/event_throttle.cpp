#include "coordinator/daemon/event_throttle.h"

namespace beamline::coordinator {

bool EventThrottle::admit() {
  if (++in_window_ <= per_window_) return true;
  ++suppressed_;
  return false;
}

size_t EventThrottle::close(int64_t now_ms, bool force) {
  if (!force && now_ms - window_start_ms_ < window_ms_) return 0;
  const size_t suppressed = suppressed_;
  in_window_ = 0;
  suppressed_ = 0;
  window_start_ms_ = now_ms;
  return suppressed;
}

}  // namespace beamline::coordinator
