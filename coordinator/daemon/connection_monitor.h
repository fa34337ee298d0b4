#pragma once
// Connections libzmq closes during the ZeroMQ handshake -- raw TCP garbage,
// a client speaking another ZMTP security mechanism -- never produce a frame
// the coordinator could drop and log; libzmq reports them only to a socket
// monitor. This reads the ROUTER's monitor so the loop can log them.
//
// The monitor is read on its own thread on purpose: libzmq sends monitor
// events with a blocking send from its I/O thread, so a monitor whose queue
// fills (a loop busy committing while a flood of bad connections arrives)
// would stall every connection. The thread drains it at once and keeps a
// bounded list; the loop takes it between passes.
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq

namespace beamline::coordinator {

class ConnectionMonitor {
 public:
  // Call before `socket` binds, from the thread that owns it, so no event
  // can precede the reader's connection. The destructor (same thread) stops
  // the monitor before `socket` closes.
  ConnectionMonitor(zmq::context_t& context, zmq::socket_t& socket);
  ~ConnectionMonitor();
  ConnectionMonitor(const ConnectionMonitor&) = delete;
  ConnectionMonitor& operator=(const ConnectionMonitor&) = delete;

  // One text per failed handshake since the last call ("tcp://...: ZMTP
  // protocol error 0x11000001"); beyond kMaxKept, one line counting the rest.
  std::vector<std::string> take_failures();

  static constexpr size_t kMaxKept = 100;

 private:
  void read_events();

  zmq::socket_t& socket_;
  std::unique_ptr<zmq::socket_t> reader_;  // used only by thread_ once it runs
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> failures_;
  size_t lost_ = 0;
  std::thread thread_;
};

}  // namespace beamline::coordinator
