#include "coordinator/daemon/router_socket.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "common/error.h"

namespace beamline::coordinator {

RouterSocket::RouterSocket(const std::string& bind_endpoint, size_t max_frame_bytes)
    : context_(std::make_unique<zmq::context_t>(1)),
      socket_(std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::router)) {
  socket_->set(zmq::sockopt::router_mandatory, 1);
  // Headroom over the frame codec's own limit, which then reports the frame.
  socket_->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(max_frame_bytes + 4096));
  socket_->set(zmq::sockopt::linger, 2000);
  try {
    socket_->bind(bind_endpoint);
  } catch (const zmq::error_t& e) {
    throw Error(fmt::format("--bind {}: cannot bind: {}", bind_endpoint, e.what()));
  }
}

RouterSocket::~RouterSocket() = default;

std::string RouterSocket::endpoint() const { return socket_->get(zmq::sockopt::last_endpoint); }

bool RouterSocket::wait(std::chrono::milliseconds timeout) {
  zmq::pollitem_t items[] = {{socket_->handle(), 0, ZMQ_POLLIN, 0}};
  try {
    zmq::poll(items, 1, timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return false;
    throw;
  }
  return (items[0].revents & ZMQ_POLLIN) != 0;
}

std::optional<Inbound> RouterSocket::receive() {
  while (true) {
    std::vector<zmq::message_t> parts;
    const auto received = zmq::recv_multipart(*socket_, std::back_inserter(parts), zmq::recv_flags::dontwait);
    if (!received) return std::nullopt;
    if (parts.size() != 2) {
      // A REQ client's empty delimiter, a multi-frame sender: not ours.
      if (malformed_++ < 20) spdlog::warn("dropping a message of {} frames (expected 1 after the routing id)",
                                          parts.size() - 1);
      continue;
    }
    return Inbound{parts[0].to_string(), parts[1].to_string()};
  }
}

bool RouterSocket::send(const std::string& peer, const std::string& frame) {
  try {
    if (!socket_->send(zmq::buffer(peer), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      if (dropped_sends_++ < 20) spdlog::warn("a worker's queue is full; message dropped");
      return false;
    }
    socket_->send(zmq::buffer(frame), zmq::send_flags::dontwait);
    return true;
  } catch (const zmq::error_t& e) {
    // EHOSTUNREACH: the peer disconnected; its leases run out or its
    // session times out.
    if (dropped_sends_++ < 20) spdlog::info("message to a disconnected peer dropped: {}", e.what());
    return false;
  }
}

}  // namespace beamline::coordinator
