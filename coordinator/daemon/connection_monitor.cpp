#include "coordinator/daemon/connection_monitor.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstring>
#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace beamline::coordinator {
namespace {

constexpr int kEvents =
    ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
constexpr std::chrono::milliseconds kPollTimeout{100};

// Event version 1: frame 1 is (uint16 event, uint32 value), frame 2 the
// endpoint.
std::string describe(uint16_t event, uint32_t value, const std::string& endpoint) {
  switch (event) {
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      return fmt::format("a connection on {} failed the ZeroMQ handshake: ZMTP protocol error 0x{:08x}", endpoint,
                         value);
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      return fmt::format("a connection on {} failed authentication (status {})", endpoint, value);
    default:
      return fmt::format("a connection on {} failed the ZeroMQ handshake: {}", endpoint, zmq_strerror(static_cast<int>(value)));
  }
}

}  // namespace

ConnectionMonitor::ConnectionMonitor(zmq::context_t& context, zmq::socket_t& socket) : socket_(socket) {
  const std::string address = fmt::format("inproc://beamline-connection-monitor-{}", static_cast<const void*>(this));
  if (zmq_socket_monitor(socket_.handle(), address.c_str(), kEvents) != 0) {
    spdlog::warn("no socket monitor ({}): failed ZeroMQ handshakes will not be logged", zmq_strerror(zmq_errno()));
    return;
  }
  reader_ = std::make_unique<zmq::socket_t>(context, zmq::socket_type::pair);
  reader_->set(zmq::sockopt::linger, 0);
  reader_->connect(address);
  // Thread creation is the memory barrier libzmq asks for when a socket
  // moves to another thread; from here only read_events touches reader_.
  thread_ = std::thread([this] { read_events(); });
}

ConnectionMonitor::~ConnectionMonitor() {
  if (!reader_) return;
  // Monitoring off first: once the reader is gone, an event would block
  // libzmq's I/O thread on a send to nobody.
  zmq_socket_monitor(socket_.handle(), nullptr, 0);
  stop_.store(true);
  thread_.join();
  reader_.reset();
}

void ConnectionMonitor::read_events() {
  while (!stop_.load()) {
    zmq::pollitem_t items[] = {{reader_->handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 1, kPollTimeout);
      if ((items[0].revents & ZMQ_POLLIN) == 0) continue;
      std::vector<zmq::message_t> parts;
      if (!zmq::recv_multipart(*reader_, std::back_inserter(parts), zmq::recv_flags::dontwait)) continue;
      if (parts.size() != 2 || parts[0].size() != sizeof(uint16_t) + sizeof(uint32_t)) continue;
      uint16_t event = 0;
      uint32_t value = 0;
      std::memcpy(&event, parts[0].data(), sizeof(event));
      std::memcpy(&value, static_cast<const char*>(parts[0].data()) + sizeof(event), sizeof(value));
      const std::string text = describe(event, value, parts[1].to_string());
      std::lock_guard<std::mutex> lock(mutex_);
      if (failures_.size() < kMaxKept) {
        failures_.push_back(text);
      } else {
        ++lost_;
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      // EINTR from a signal: poll again.
    }
  }
}

std::vector<std::string> ConnectionMonitor::take_failures() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  out.swap(failures_);
  if (lost_ > 0) out.push_back(fmt::format("{} more failed ZeroMQ handshakes", lost_));
  lost_ = 0;
  return out;
}

}  // namespace beamline::coordinator
