#include "coordinator/daemon/bad_frame_log.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace beamline::coordinator {

const char* to_string(DropReason reason) {
  switch (reason) {
    case DropReason::oversized: return "oversized";
    case DropReason::malformed: return "malformed";
    case DropReason::unknown_message: return "unknown_message";
    case DropReason::multipart: return "multipart";
    case DropReason::before_hello: return "before_hello";
    case DropReason::handshake: return "handshake";
  }
  return "unknown";
}

std::string peer_text(const std::string& routing_id) {
  // A peer chooses its own id (up to 255 bytes): enough of it to tell
  // peers apart, never a flood of hex in the log.
  constexpr size_t kShownBytes = 16;
  const bool printable = std::all_of(routing_id.begin(), routing_id.end(), [](char c) {
    return std::isprint(static_cast<unsigned char>(c)) != 0;
  });
  const std::string shown = routing_id.substr(0, printable ? 4 * kShownBytes : kShownBytes);
  std::string text;
  if (printable) {
    text = shown;
  } else {
    text = "0x";
    for (const char c : shown) text += fmt::format("{:02x}", static_cast<unsigned char>(c));
  }
  if (shown.size() < routing_id.size()) text += fmt::format("... ({} bytes)", routing_id.size());
  return text;
}

BadFrameLog::BadFrameLog(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {
  throttles_.assign(kDropReasons, EventThrottle(kDetailedPerWindow, kWindowMs, clock.now_ms()));
}

void BadFrameLog::drop(DropReason reason, const std::string& peer, const std::string& detail) {
  flush();
  ++dropped_;
  EventThrottle& throttle = throttles_[static_cast<size_t>(reason)];
  if (!throttle.admit()) return;
  const std::string text =
      fmt::format("{}: {}{}", to_string(reason), detail, peer.empty() ? "" : fmt::format(" (peer {})", peer));
  spdlog::warn("dropped a bad frame: {}", text);
  store_.record_event("bad_frame", std::nullopt, std::nullopt, text, clock_.now_ms());
  if (throttle.allowance_just_used()) {
    spdlog::warn("further '{}' drops in the next {} s are counted, not logged one by one", to_string(reason),
                 kWindowMs / 1000);
  }
}

void BadFrameLog::flush(bool force) {
  const int64_t now = clock_.now_ms();
  for (size_t i = 0; i < kDropReasons; ++i) {
    const int64_t started = throttles_[i].window_start_ms();
    const size_t suppressed = throttles_[i].close(now, force);
    if (suppressed == 0) continue;
    const std::string text = fmt::format("{}: {} more dropped in {} ms (not logged one by one)",
                                         to_string(static_cast<DropReason>(i)), suppressed, now - started);
    spdlog::warn("dropped bad frames: {}", text);
    store_.record_event("bad_frame", std::nullopt, std::nullopt, text, now);
  }
}

}  // namespace beamline::coordinator
