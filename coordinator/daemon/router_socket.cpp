#include "coordinator/daemon/router_socket.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "common/error.h"
#include "coordinator/daemon/connection_monitor.h"

namespace beamline::coordinator {

RouterSocket::RouterSocket(const std::string& bind_endpoint, size_t max_message_bytes)
    : context_(std::make_unique<zmq::context_t>(1)),
      socket_(std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::router)) {
  socket_->set(zmq::sockopt::router_mandatory, 1);
  socket_->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(max_message_bytes));
  socket_->set(zmq::sockopt::linger, 2000);
  monitor_ = std::make_unique<ConnectionMonitor>(*context_, *socket_);  // before bind: no event goes unread
  try {
    socket_->bind(bind_endpoint);
  } catch (const zmq::error_t& e) {
    throw Error(fmt::format("--bind {}: cannot bind: {}", bind_endpoint, e.what()));
  }
}

RouterSocket::~RouterSocket() { monitor_.reset(); }

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
  std::vector<zmq::message_t> parts;
  const auto received = zmq::recv_multipart(*socket_, std::back_inserter(parts), zmq::recv_flags::dontwait);
  if (!received || parts.empty()) return std::nullopt;
  Inbound inbound;
  inbound.peer = parts[0].to_string();
  inbound.frames = parts.size() - 1;
  if (parts.size() >= 2) inbound.frame = parts[1].to_string();
  return inbound;
}

std::vector<std::string> RouterSocket::take_handshake_failures() { return monitor_->take_failures(); }

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
