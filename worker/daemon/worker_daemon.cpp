#include "worker/daemon/worker_daemon.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <zmq.hpp>

#include "common/error.h"
#include "common/manifest/manifest.h"
#include "common/protocol/frame_codec.h"
#include "common/protocol/version.h"
#include "common/stop_signals.h"
#include "worker/daemon/unit_executor.h"

namespace beamline::worker {
namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

std::string hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

constexpr std::chrono::milliseconds kPollTimeout{10};
constexpr int64_t kStopAckWaitMs = 2000;

class WorkerLoop {
 public:
  WorkerLoop(const WorkerOptions& options, units::UnitRunner& runner)
      : options_(options), executor_(runner), backoff_ms_(options.reconnect_initial_ms) {}

  int run();

 private:
  enum class State { connecting, connected };

  void connect();
  void send(const wire::WorkerMessage& message);
  void send_hello();
  void handle(const wire::CoordinatorMessage& message);
  void on_welcome(const wire::Welcome& welcome);
  void on_assign(const wire::Assign& assign);
  void drain_executor();
  void send_pending_results();
  void send_heartbeat();
  void send_credit(uint32_t units);
  void read_messages();
  void goodbye(const std::string& reason);
  bool stopping() const { return options_.handle_signals && StopSignals::count() > 0; }

  const WorkerOptions& options_;
  UnitExecutor executor_;
  zmq::context_t context_{1};
  std::unique_ptr<zmq::socket_t> socket_;
  State state_ = State::connecting;
  int64_t hello_deadline_ms_ = 0;
  int64_t last_heard_ms_ = 0;
  int64_t last_heartbeat_ms_ = 0;
  uint32_t backoff_ms_;
  uint32_t heartbeat_interval_ms_ = 1000;
  uint32_t heartbeat_liveness_ = 3;
  std::string coordinator_id_;
  std::optional<int> exit_code_;

  // Results not yet acknowledged, by batch_seq (increasing: resent in order).
  struct Pending {
    wire::WorkerMessage message;
    bool sent = false;
  };
  std::map<uint64_t, Pending> unacked_;
  uint64_t next_seq_ = 1;
};

void WorkerLoop::connect() {
  if (socket_) {
    socket_->set(zmq::sockopt::linger, 0);  // what the old connection had queued is resent anyway
    socket_->close();
  }
  socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::linger, 1000);
  // Above the codec's limit, so an oversized frame is decoded as such and
  // logged instead of silently closing the connection (frame_codec.h).
  socket_->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(protocol::kMaxSocketMessageBytes));
  try {
    socket_->connect(options_.connect);
  } catch (const zmq::error_t& e) {
    throw Error(fmt::format("--connect {}: {}", options_.connect, e.what()));
  }
  state_ = State::connecting;
  for (auto& entry : unacked_) entry.second.sent = false;
  send_hello();
  hello_deadline_ms_ = now_ms() + backoff_ms_;
}

void WorkerLoop::send(const wire::WorkerMessage& message) {
  // Never blocks: while the connection is down, libzmq queues up to the
  // high-water mark; past it the message is dropped here and the protocol
  // recovers it (results stay in unacked_, hello and heartbeats repeat).
  socket_->send(zmq::buffer(protocol::encode(message)), zmq::send_flags::dontwait);
}

void WorkerLoop::send_hello() {
  wire::WorkerMessage message;
  auto* hello = message.mutable_hello();
  hello->set_worker_id(options_.worker_id);
  hello->set_protocol_version(options_.protocol_version != 0 ? options_.protocol_version : protocol::kProtocolVersion);
  hello->set_device(options_.device);
  hello->set_capacity(options_.capacity);
  hello->set_hostname(hostname());
  hello->set_pid(static_cast<uint32_t>(::getpid()));
  hello->set_build("beamline");
  send(message);
}

void WorkerLoop::send_credit(uint32_t units) {
  if (state_ != State::connected || units == 0) return;
  wire::WorkerMessage message;
  message.mutable_credit()->set_units(units);
  send(message);
}

void WorkerLoop::send_heartbeat() {
  wire::WorkerMessage message;
  auto* beat = message.mutable_heartbeat();
  std::set<uint64_t> listed;
  for (const auto& unit : executor_.units()) {
    auto* progress = beat->add_progress();
    progress->set_unit_id(unit.unit_id);
    progress->set_trials_done(unit.trials_done);
    listed.insert(unit.unit_id);
  }
  // Units whose results are not all acknowledged are still ours: the
  // coordinator must not hand them to someone else yet.
  for (const auto& [seq, pending] : unacked_) {
    const uint64_t unit_id = pending.message.results().unit_id();
    if (listed.insert(unit_id).second) beat->add_progress()->set_unit_id(unit_id);
  }
  send(message);
  last_heartbeat_ms_ = now_ms();
}

void WorkerLoop::send_pending_results() {
  if (state_ != State::connected) return;
  for (auto& [seq, pending] : unacked_) {
    if (pending.sent) continue;
    const std::string frame = protocol::encode(pending.message);
    if (!socket_->send(zmq::buffer(frame), zmq::send_flags::dontwait)) break;  // keep the order: retry later
    pending.sent = true;
  }
}

void WorkerLoop::drain_executor() {
  for (auto& event : executor_.take_events()) {
    wire::WorkerMessage message;
    auto* results = message.mutable_results();
    results->set_unit_id(event.unit_id);
    results->set_batch_seq(next_seq_);
    if (event.batch) {
      for (auto& trial : event.batch->trials) *results->add_trials() = std::move(trial);
      for (auto& golden : event.batch->golden) *results->add_golden() = std::move(golden);
    }
    results->set_unit_finished(event.finished);
    results->set_error(event.error);
    if (!event.error.empty()) spdlog::error("unit {} failed: {}", event.unit_id, event.error);
    unacked_[next_seq_++] = Pending{std::move(message), false};
    if (event.finished) send_credit(1);
  }
  send_pending_results();
}

void WorkerLoop::on_welcome(const wire::Welcome& welcome) {
  if (welcome.protocol_version() != protocol::kProtocolVersion) {
    const std::string detail = fmt::format("the coordinator speaks protocol version {}, this worker {}",
                                           welcome.protocol_version(), protocol::kProtocolVersion);
    goodbye("refused: " + detail);
    throw Error(fmt::format("{}: {}", options_.connect, detail));
  }
  if (auto mismatch = manifest::verify_manifest(welcome.manifest(), options_.model_root)) {
    goodbye("manifest mismatch: " + *mismatch);
    throw Error(fmt::format("manifest mismatch with the coordinator at {}: {}", options_.connect, *mismatch));
  }
  if (welcome.coordinator_id() != coordinator_id_) {
    spdlog::info("joined coordinator {} at {} (campaign '{}')", welcome.coordinator_id(), options_.connect,
                 welcome.manifest().campaign_name());
  }
  coordinator_id_ = welcome.coordinator_id();
  heartbeat_interval_ms_ = std::max<uint32_t>(welcome.heartbeat_interval_ms(), 10);
  heartbeat_liveness_ = std::max<uint32_t>(welcome.heartbeat_liveness(), 1);
  state_ = State::connected;
  backoff_ms_ = options_.reconnect_initial_ms;
  const size_t load = executor_.load();
  send_heartbeat();  // first: it tells the coordinator which units we still hold
  send_credit(load < options_.capacity ? static_cast<uint32_t>(options_.capacity - load) : 0);
  send_pending_results();
}

void WorkerLoop::on_assign(const wire::Assign& assign) {
  for (const auto& unit : assign.units()) {
    bool held = executor_.holds(unit.unit_id());
    for (const auto& entry : unacked_) held = held || entry.second.message.results().unit_id() == unit.unit_id();
    if (held) {
      // Reissued to us while we still have it (a coordinator restart):
      // keep the copy in hand and give the credit back.
      send_credit(1);
      continue;
    }
    executor_.submit(unit);
  }
}

void WorkerLoop::handle(const wire::CoordinatorMessage& message) {
  switch (message.body_case()) {
    case wire::CoordinatorMessage::kWelcome: on_welcome(message.welcome()); break;
    case wire::CoordinatorMessage::kAssign:
      if (state_ == State::connected) on_assign(message.assign());
      break;
    case wire::CoordinatorMessage::kAck: unacked_.erase(message.ack().batch_seq()); break;
    case wire::CoordinatorMessage::kHeartbeat: break;
    case wire::CoordinatorMessage::kShutdown: {
      const auto& shutdown = message.shutdown();
      if (shutdown.reason() == wire::REFUSED) {
        throw Error(fmt::format("the coordinator at {} refused this worker: {}", options_.connect, shutdown.detail()));
      }
      spdlog::info("coordinator says stop ({}){}",
                   shutdown.reason() == wire::CAMPAIGN_COMPLETE ? "campaign complete" : "coordinator stopping",
                   shutdown.detail().empty() ? "" : ": " + shutdown.detail());
      exit_code_ = 0;
      break;
    }
    default: break;
  }
}

void WorkerLoop::read_messages() {
  while (!exit_code_) {
    zmq::message_t frame;
    if (!socket_->recv(frame, zmq::recv_flags::dontwait)) return;
    auto decoded = protocol::decode_coordinator_message(frame.to_string_view());
    if (!decoded) {
      spdlog::warn("dropping a bad frame from the coordinator: {}", decoded.error);
      continue;
    }
    last_heard_ms_ = now_ms();
    handle(*decoded.message);
  }
}

void WorkerLoop::goodbye(const std::string& reason) {
  wire::WorkerMessage message;
  message.mutable_goodbye()->set_reason(reason);
  send(message);
}

int WorkerLoop::run() {
  connect();
  while (!exit_code_) {
    if (stopping()) {
      // Stop the unit at its next batch, give what was computed a moment
      // to be acknowledged, then say goodbye so the units are reissued now.
      executor_.stop();
      drain_executor();
      const int64_t until = now_ms() + kStopAckWaitMs;
      while (state_ == State::connected && !unacked_.empty() && now_ms() < until && StopSignals::count() < 2 &&
             !exit_code_) {
        zmq::pollitem_t items[] = {{socket_->handle(), 0, ZMQ_POLLIN, 0}};
        try {
          zmq::poll(items, 1, kPollTimeout);
        } catch (const zmq::error_t&) {
        }
        read_messages();
      }
      goodbye("stopped by a signal");
      return 0;
    }
    zmq::pollitem_t items[] = {{socket_->handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 1, kPollTimeout);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
    read_messages();
    if (exit_code_) break;
    drain_executor();
    const int64_t now = now_ms();
    if (state_ == State::connecting && now >= hello_deadline_ms_) {
      backoff_ms_ = std::min(backoff_ms_ * 2, options_.reconnect_max_ms);
      spdlog::info("no welcome from {}; reconnecting (next try in {} ms)", options_.connect, backoff_ms_);
      connect();
    } else if (state_ == State::connected) {
      if (now - last_heard_ms_ > int64_t{heartbeat_interval_ms_} * heartbeat_liveness_) {
        spdlog::warn("coordinator {} silent for {} heartbeats; reconnecting", options_.connect, heartbeat_liveness_);
        backoff_ms_ = options_.reconnect_initial_ms;
        connect();
      } else if (now - last_heartbeat_ms_ >= heartbeat_interval_ms_) {
        send_heartbeat();
      }
    }
  }
  executor_.stop();
  return *exit_code_;
}

}  // namespace

std::string default_worker_id(const std::string& device) { return hostname() + "/" + device; }

int run_worker(const WorkerOptions& options, units::UnitRunner& runner) {
  if (options.handle_signals) StopSignals::install();
  WorkerOptions resolved = options;
  if (resolved.worker_id.empty()) resolved.worker_id = default_worker_id(resolved.device);
  if (resolved.model_root.empty()) resolved.model_root = std::filesystem::current_path().string();
  if (resolved.capacity == 0) throw Error("--capacity must be at least 1");
  spdlog::info("worker '{}' connecting to {} (model root {})", resolved.worker_id, resolved.connect,
               resolved.model_root);
  WorkerLoop loop(resolved, runner);
  return loop.run();
}

}  // namespace beamline::worker
