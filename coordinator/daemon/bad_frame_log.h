#pragma once
// What the coordinator drops instead of acting on: frames that are
// oversized, malformed or of an unknown type, messages of more than one
// frame, messages from peers that never said hello, and connections
// libzmq closed in the ZeroMQ handshake. Each is logged (warn) and
// recorded as an `event` row of kind `bad_frame`, so an operator sees a
// rogue or broken client in the log and in SQL.
//
// Rate-limited per reason (event_throttle.h): the first kDetailedPerWindow
// drops of each reason in a window are logged and recorded one by one; the
// rest are counted and written as one summary row per reason when the
// window closes (flush). Per reason, so a flood of garbage cannot hide the
// one oversized frame.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "coordinator/daemon/clock.h"
#include "coordinator/daemon/event_throttle.h"
#include "coordinator/store/store.h"

namespace beamline::coordinator {

enum class DropReason { oversized, malformed, unknown_message, multipart, before_hello, handshake };
inline constexpr size_t kDropReasons = 6;

const char* to_string(DropReason reason);

class BadFrameLog {
 public:
  static constexpr size_t kDetailedPerWindow = 5;
  static constexpr int64_t kWindowMs = 10000;

  BadFrameLog(store::Store& store, const Clock& clock);

  // `peer`: who sent it, as text (a routing id in hex, an address); may be
  // empty. `detail`: what was wrong.
  void drop(DropReason reason, const std::string& peer, const std::string& detail);
  // Writes the summary rows of a window that has closed; with force, of the
  // current one too (at exit). Cheap when there is nothing to write.
  void flush(bool force = false);

  uint64_t dropped() const { return dropped_; }

 private:
  store::Store& store_;
  const Clock& clock_;
  std::vector<EventThrottle> throttles_;  // one per reason
  uint64_t dropped_ = 0;
};

// A ZeroMQ routing id as text: printable ids as they are, generated ones
// (binary, 5 bytes) in hex; long ones cut, with their length.
std::string peer_text(const std::string& routing_id);

}  // namespace beamline::coordinator
