#pragma once
// The coordinator's ROUTER socket: receives (peer, frame) pairs and sends
// without ever blocking. ROUTER_MANDATORY makes a send to a vanished peer an
// error instead of a silent drop, and every send is non-blocking: a peer
// whose queue is full (EAGAIN) or gone (EHOSTUNREACH) loses that message,
// which is logged -- an Assign lost so is recovered by lease expiry, an Ack
// by the worker resending its results.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq

namespace beamline::coordinator {

struct Inbound {
  std::string peer;
  std::string frame;
};

class RouterSocket {
 public:
  // Frames above max_frame_bytes make libzmq drop the connection
  // (ZMQ_MAXMSGSIZE), so a rogue peer cannot make us buffer gigabytes.
  RouterSocket(const std::string& bind_endpoint, size_t max_frame_bytes);
  ~RouterSocket();

  std::string endpoint() const;  // the bound address, with the port chosen for "tcp://host:*"

  // Waits up to `timeout` for input; false on timeout or a signal.
  bool wait(std::chrono::milliseconds timeout);
  // One message if one is ready. Messages that are not exactly (peer,
  // frame) are counted in malformed() and skipped.
  std::optional<Inbound> receive();
  bool send(const std::string& peer, const std::string& frame);

  size_t malformed() const { return malformed_; }
  size_t dropped_sends() const { return dropped_sends_; }

 private:
  std::unique_ptr<zmq::context_t> context_;
  std::unique_ptr<zmq::socket_t> socket_;
  size_t malformed_ = 0;
  size_t dropped_sends_ = 0;
};

}  // namespace beamline::coordinator
