#include "common/protocol/frame_codec.h"

#include <fmt/core.h>

namespace beamline::protocol {
namespace {

template <typename Message>
Decoded<Message> decode(std::string_view frame, std::size_t max_bytes, bool (*has_body)(const Message&)) {
  Decoded<Message> decoded;
  if (frame.size() > max_bytes) {
    decoded.problem = FrameProblem::oversized;
    decoded.error = fmt::format("frame of {} bytes exceeds the limit of {}", frame.size(), max_bytes);
    return decoded;
  }
  Message message;
  if (!message.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
    decoded.problem = FrameProblem::malformed;
    decoded.error = fmt::format("malformed frame of {} bytes", frame.size());
    return decoded;
  }
  // An empty body: a message type this build does not know (a newer peer's
  // oneof field lands in unknown fields) or an empty frame.
  if (!has_body(message)) {
    decoded.problem = FrameProblem::unknown_message;
    decoded.error = "frame carries no known message";
    return decoded;
  }
  decoded.message = std::move(message);
  return decoded;
}

}  // namespace

const char* to_string(FrameProblem problem) {
  switch (problem) {
    case FrameProblem::none: return "none";
    case FrameProblem::oversized: return "oversized";
    case FrameProblem::malformed: return "malformed";
    case FrameProblem::unknown_message: return "unknown_message";
  }
  return "unknown";
}

std::string encode(const wire::WorkerMessage& message) { return message.SerializeAsString(); }
std::string encode(const wire::CoordinatorMessage& message) { return message.SerializeAsString(); }

Decoded<wire::WorkerMessage> decode_worker_message(std::string_view frame, std::size_t max_bytes) {
  return decode<wire::WorkerMessage>(frame, max_bytes, [](const wire::WorkerMessage& m) {
    return m.body_case() != wire::WorkerMessage::BODY_NOT_SET;
  });
}

Decoded<wire::CoordinatorMessage> decode_coordinator_message(std::string_view frame, std::size_t max_bytes) {
  return decode<wire::CoordinatorMessage>(frame, max_bytes, [](const wire::CoordinatorMessage& m) {
    return m.body_case() != wire::CoordinatorMessage::BODY_NOT_SET;
  });
}

}  // namespace beamline::protocol
