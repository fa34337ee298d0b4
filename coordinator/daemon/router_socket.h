#pragma once
// The coordinator's ROUTER socket: receives (peer, frame) pairs and sends
// without ever blocking. ROUTER_MANDATORY makes a send to a vanished peer an
// error instead of a silent drop, and every send is non-blocking: a peer
// whose queue is full (EAGAIN) or gone (EHOSTUNREACH) loses that message,
// which is logged -- an Assign lost so is recovered by lease expiry, an Ack
// by the worker resending its results. Nothing here decides what is
// garbage: receive() reports what arrived (the loop drops and logs it, see
// bad_frame_log.h), and failed handshakes come from a ConnectionMonitor.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq

namespace beamline::coordinator {

class ConnectionMonitor;

struct Inbound {
  std::string peer;
  std::string frame;   // the first frame after the routing id (empty if none)
  size_t frames = 1;   // frames after the routing id; anything but 1 is not ours
};

class RouterSocket {
 public:
  // Messages above max_message_bytes make libzmq drop the connection
  // (ZMQ_MAXMSGSIZE), so a rogue peer cannot make us buffer gigabytes; it
  // is set above the frame codec's limit (protocol::kMaxSocketMessageBytes)
  // so that most oversized frames arrive and are reported, not cut off.
  RouterSocket(const std::string& bind_endpoint, size_t max_message_bytes);
  ~RouterSocket();

  std::string endpoint() const;  // the bound address, with the port chosen for "tcp://host:*"

  // Waits up to `timeout` for input; false on timeout or a signal.
  bool wait(std::chrono::milliseconds timeout);
  // One message if one is ready, whatever its shape (see Inbound::frames).
  std::optional<Inbound> receive();
  bool send(const std::string& peer, const std::string& frame);
  // Connections closed in the ZeroMQ handshake since the last call.
  std::vector<std::string> take_handshake_failures();

  size_t dropped_sends() const { return dropped_sends_; }

 private:
  std::unique_ptr<zmq::context_t> context_;
  std::unique_ptr<zmq::socket_t> socket_;
  std::unique_ptr<ConnectionMonitor> monitor_;  // destroyed first: it stops monitoring socket_
  size_t dropped_sends_ = 0;
};

}  // namespace beamline::coordinator
