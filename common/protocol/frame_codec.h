#pragma once
// One protobuf message per ZeroMQ frame. Decoding never throws: a frame
// that is oversized, malformed or carries no known message is returned as
// an error value, so a daemon logs it and drops it (a rogue client must not
// disturb a running campaign).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "schema/beamline.pb.h"

namespace beamline::protocol {

// Frames above this are dropped unread. A results batch of a few thousand
// trials with site text is well under it.
inline constexpr std::size_t kMaxFrameBytes = 16u << 20;

// The sockets' ZMQ_MAXMSGSIZE. libzmq closes the connection of a peer that
// sends more and tells no one why, so the socket limit sits well above
// kMaxFrameBytes: a frame between the two reaches the codec, which reports
// it as `oversized` (the daemon logs and drops it). Only a frame above
// this one is cut off silently -- and then libzmq never buffers it.
inline constexpr std::size_t kMaxSocketMessageBytes = 4 * kMaxFrameBytes;

// Why a frame was not decoded; daemons rate-limit their logs per problem so
// a flood of one kind cannot hide another.
enum class FrameProblem { none, oversized, malformed, unknown_message };

template <typename Message>
struct Decoded {
  std::optional<Message> message;
  FrameProblem problem = FrameProblem::none;  // set when message is empty
  std::string error;                          // what to log, when message is empty

  explicit operator bool() const { return message.has_value(); }
};

const char* to_string(FrameProblem problem);

std::string encode(const wire::WorkerMessage& message);
std::string encode(const wire::CoordinatorMessage& message);

Decoded<wire::WorkerMessage> decode_worker_message(std::string_view frame, std::size_t max_bytes = kMaxFrameBytes);
Decoded<wire::CoordinatorMessage> decode_coordinator_message(std::string_view frame,
                                                             std::size_t max_bytes = kMaxFrameBytes);

}  // namespace beamline::protocol
