// Scheduler: sessions (hello, goodbye, liveness), credit and assignment,
// heartbeats and leases. Results and budgets are in scheduler_results.cpp.
#include "coordinator/daemon/scheduler.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/protocol/version.h"
#include "common/protocol/work_unit.h"

namespace beamline::coordinator {

Scheduler::Scheduler(store::Store& store, const campaign::CampaignSpec& spec, const std::vector<campaign::Cell>& cells,
                     wire::Manifest manifest, const Clock& clock, SchedulerOptions options)
    : store_(store), spec_(spec), cells_(cells), manifest_(std::move(manifest)), clock_(clock),
      options_(std::move(options)),
      refusals_(kRefusalsPerWindow, kRefusalWindowMs, clock.now_ms()) {
  std::map<std::string, size_t> by_key;
  for (size_t i = 0; i < cells_.size(); ++i) by_key[cells_[i].key] = i;
  for (const auto& row : store_.cells()) {
    if (auto it = by_key.find(row.key); it != by_key.end()) cell_index_[row.id] = it->second;
  }
  complete_ = store_.is_complete();
}

std::vector<Outgoing> Scheduler::take_outbox() {
  std::vector<Outgoing> out;
  out.swap(outbox_);
  return out;
}

void Scheduler::send(const std::string& peer, wire::CoordinatorMessage message) {
  outbox_.push_back({peer, std::move(message)});
}

std::optional<std::string> Scheduler::on_message(const std::string& peer, const wire::WorkerMessage& message) {
  if (message.body_case() == wire::WorkerMessage::kHello) {
    on_hello(peer, message.hello());
    return std::nullopt;
  }
  auto it = sessions_.find(peer);
  if (it == sessions_.end()) {
    // A worker from before a coordinator restart, or a rogue client: with no
    // heartbeats from us, a real worker reconnects and says hello.
    const auto* field = wire::WorkerMessage::descriptor()->FindFieldByNumber(static_cast<int>(message.body_case()));
    return fmt::format("{} from a peer that has not said hello (a worker from before a coordinator restart says "
                       "hello once it notices; anything else is not a worker)",
                       field != nullptr ? field->name() : "a message");
  }
  WorkerSession& session = it->second;
  session.last_heard_ms = clock_.now_ms();
  switch (message.body_case()) {
    case wire::WorkerMessage::kCredit: on_credit(peer, session, message.credit()); break;
    case wire::WorkerMessage::kResults: on_results(peer, session, message.results()); break;
    case wire::WorkerMessage::kHeartbeat: on_heartbeat(session, message.heartbeat()); break;
    case wire::WorkerMessage::kGoodbye: on_goodbye(peer, message.goodbye()); break;
    default: break;
  }
  return std::nullopt;
}

void Scheduler::refuse(const std::string& peer, const std::string& worker_id, const std::string& detail) {
  flush_refusals();
  if (refusals_.admit()) {
    spdlog::error("refusing worker '{}': {}", worker_id, detail);
    store_.record_event("refused", worker_id, std::nullopt, detail, clock_.now_ms());
    if (refusals_.allowance_just_used()) {
      spdlog::warn("further refusals in the next {} s are counted, not logged one by one", kRefusalWindowMs / 1000);
    }
  }
  wire::CoordinatorMessage message;
  message.mutable_shutdown()->set_reason(wire::REFUSED);
  message.mutable_shutdown()->set_detail(detail);
  send(peer, std::move(message));
}

void Scheduler::flush_refusals(bool force) {
  const int64_t now = clock_.now_ms();
  const int64_t started = refusals_.window_start_ms();
  const size_t held_back = refusals_.close(now, force);
  if (held_back == 0) return;
  const std::string text = fmt::format("{} more hellos refused in {} ms (not logged one by one)", held_back,
                                       now - started);
  spdlog::error("{}", text);
  store_.record_event("refused", std::nullopt, std::nullopt, text, now);
}

void Scheduler::on_hello(const std::string& peer, const wire::Hello& hello) {
  const int64_t now = clock_.now_ms();
  if (hello.protocol_version() != protocol::kProtocolVersion) {
    refuse(peer, hello.worker_id(),
           fmt::format("protocol version {} refused: this coordinator speaks protocol version {}",
                       hello.protocol_version(), protocol::kProtocolVersion));
    return;
  }
  if (hello.worker_id().empty()) {
    refuse(peer, "", "hello without a worker id");
    return;
  }
  // The same worker on a new connection (it reconnected, or restarted):
  // forget the old connection but keep its leases; the first heartbeat
  // says which units it still holds.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.worker_id == hello.worker_id() && it->first != peer) {
      spdlog::info("worker '{}' reconnected", hello.worker_id());
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  store::WorkerInfo info;
  info.id = hello.worker_id();
  info.device = hello.device();
  info.capacity = hello.capacity();
  info.hostname = hello.hostname();
  info.pid = hello.pid();
  info.protocol_version = hello.protocol_version();
  info.build = hello.build();
  store_.register_worker(info, now);
  WorkerSession session;
  session.worker_id = hello.worker_id();
  session.last_heard_ms = now;
  session.last_touched_ms = now;
  sessions_[peer] = session;
  spdlog::info("worker '{}' (device {}, capacity {}) joined", info.id, info.device, info.capacity);

  wire::CoordinatorMessage message;
  auto* welcome = message.mutable_welcome();
  welcome->set_protocol_version(protocol::kProtocolVersion);
  welcome->set_coordinator_id(options_.coordinator_id);
  *welcome->mutable_manifest() = manifest_;
  welcome->set_heartbeat_interval_ms(options_.heartbeat_interval_ms);
  welcome->set_heartbeat_liveness(options_.heartbeat_liveness);
  send(peer, std::move(message));
  if (complete_) {
    wire::CoordinatorMessage done;
    done.mutable_shutdown()->set_reason(wire::CAMPAIGN_COMPLETE);
    send(peer, std::move(done));
  }
}

void Scheduler::on_credit(const std::string& peer, WorkerSession& session, const wire::Credit& credit) {
  // A bound so a confused peer cannot make one lease call take every unit.
  constexpr uint32_t kMaxCredit = 1024;
  session.credit = std::min(kMaxCredit, session.credit + credit.units());
  assign_to(peer, session);
}

void Scheduler::on_heartbeat(WorkerSession& session, const wire::Heartbeat& heartbeat) {
  const int64_t now = clock_.now_ms();
  std::vector<int64_t> listed;
  for (const auto& progress : heartbeat.progress()) listed.push_back(static_cast<int64_t>(progress.unit_id()));
  if (!session.reconciled) {
    // After a reconnect the store may hold leases this worker no longer
    // has (it restarted, or its queue was lost): release those at once
    // instead of waiting for their deadlines.
    std::set<int64_t> held(session.assigned.begin(), session.assigned.end());
    held.insert(listed.begin(), listed.end());
    std::vector<int64_t> stale;
    for (const int64_t id : store_.leased_unit_ids(session.worker_id)) {
      if (held.count(id) == 0) stale.push_back(id);
    }
    if (!store_.release_units(session.worker_id, stale, "lease_released", now).empty()) maybe_pending_ = true;
    session.reconciled = true;
  }
  // Only what the worker says it holds: a unit whose Assign was lost is
  // not extended, so it expires and is reissued.
  if (now - session.last_extended_ms >= options_.lease_ms / 4) {
    store_.extend_unit_leases(session.worker_id, listed, now + options_.lease_ms);
    session.last_extended_ms = now;
  }
  if (now - session.last_touched_ms >= options_.touch_interval_ms) {
    store_.touch_worker(session.worker_id, now);
    session.last_touched_ms = now;
  }
}

void Scheduler::on_goodbye(const std::string& peer, const wire::Goodbye& goodbye) {
  const auto& worker_id = sessions_.at(peer).worker_id;
  spdlog::warn("worker '{}' left: {}", worker_id, goodbye.reason());
  drop_session(peer, "goodbye: " + goodbye.reason(), true);
}

bool Scheduler::worker_connected_elsewhere(const std::string& worker_id, const std::string& peer) const {
  for (const auto& [other, session] : sessions_) {
    if (other != peer && session.worker_id == worker_id) return true;
  }
  return false;
}

void Scheduler::drop_session(const std::string& peer, const std::string& reason, bool release) {
  auto it = sessions_.find(peer);
  if (it == sessions_.end()) return;
  const std::string worker_id = it->second.worker_id;
  const int64_t now = clock_.now_ms();
  if (release && !worker_connected_elsewhere(worker_id, peer)) {
    const auto released = store_.release_worker(worker_id, now);
    if (!released.empty()) {
      spdlog::info("released {} unit(s) of worker '{}'", released.size(), worker_id);
      maybe_pending_ = true;
    }
    store_.worker_gone(worker_id, reason, now);
  }
  sessions_.erase(it);
}

void Scheduler::assign_to(const std::string& peer, WorkerSession& session) {
  if (!assigning_ || complete_ || session.credit == 0 || !maybe_pending_) return;
  const int64_t now = clock_.now_ms();
  const auto leased = store_.lease_units(session.worker_id, session.credit, now + options_.lease_ms, now);
  if (leased.size() < session.credit) maybe_pending_ = false;
  if (leased.empty()) return;
  wire::CoordinatorMessage message;
  auto* assign = message.mutable_assign();
  for (const auto& unit : leased) {
    auto cell = cell_index_.find(unit.unit.cell_id);
    if (cell == cell_index_.end()) {
      spdlog::error("unit {} names cell {}, which the campaign file does not define; left leased until it expires",
                    unit.id, unit.unit.cell_id);
      continue;
    }
    campaign::TrialRange range{unit.unit.input_index, unit.unit.trial_begin, unit.unit.trial_end};
    *assign->add_units() = protocol::make_work_unit(spec_, cells_[cell->second], static_cast<uint64_t>(unit.id),
                                                    static_cast<uint64_t>(unit.unit.cell_id), range, options_.lease_ms);
    session.assigned.insert(unit.id);
    if (unit.issue_count > 1) spdlog::info("unit {} reissued to '{}' (issue {})", unit.id, session.worker_id,
                                           unit.issue_count);
  }
  session.credit -= static_cast<uint32_t>(leased.size());
  if (assign->units_size() > 0) send(peer, std::move(message));
}

void Scheduler::assign() {
  for (auto& [peer, session] : sessions_) {
    if (!maybe_pending_) break;
    assign_to(peer, session);
  }
}

void Scheduler::tick() {
  flush_refusals();
  const int64_t now = clock_.now_ms();
  const int64_t silence = int64_t{options_.heartbeat_interval_ms} * options_.heartbeat_liveness;
  std::vector<std::string> dead;
  for (const auto& [peer, session] : sessions_) {
    if (now - session.last_heard_ms > silence) dead.push_back(peer);
  }
  for (const auto& peer : dead) {
    spdlog::warn("worker '{}' missed {} heartbeats; presumed dead", sessions_.at(peer).worker_id,
                 options_.heartbeat_liveness);
    drop_session(peer, fmt::format("missed {} heartbeats", options_.heartbeat_liveness), true);
  }
  if (now - last_heartbeat_ms_ >= options_.heartbeat_interval_ms) {
    for (const auto& entry : sessions_) {
      wire::CoordinatorMessage beat;
      beat.mutable_heartbeat();
      send(entry.first, std::move(beat));
    }
    last_heartbeat_ms_ = now;
  }
  if (now - last_expiry_ms_ >= options_.heartbeat_interval_ms) {
    const auto expired = store_.expire_leases(now);
    if (!expired.empty()) {
      spdlog::info("{} lease(s) expired; their units will be reissued", expired.size());
      maybe_pending_ = true;
    }
    last_expiry_ms_ = now;
  }
  assign();
  check_complete();
}

void Scheduler::check_complete() {
  if (complete_) return;
  const int64_t now = clock_.now_ms();
  // unit_counts scans the unit table: after a unit finished, else a few
  // times a second.
  if (!work_finished_since_check_ && now - last_complete_check_ms_ < 250) return;
  work_finished_since_check_ = false;
  last_complete_check_ms_ = now;
  const auto counts = store_.unit_counts();
  if (counts.pending == 0 && counts.leased == 0) {
    store_.mark_complete(now);
    complete_ = true;
    spdlog::info("campaign complete: {} units done, {} cancelled by budgets", counts.done, counts.cancelled);
  } else if (counts.pending > 0) {
    maybe_pending_ = true;
  }
}

bool Scheduler::units_in_flight() { return store_.unit_counts().leased > 0; }

void Scheduler::shutdown_all(wire::ShutdownReason reason, const std::string& detail, bool release) {
  const int64_t now = clock_.now_ms();
  for (const auto& [peer, session] : sessions_) {
    if (release) store_.release_worker(session.worker_id, now);
    // The worker row should not look alive after the coordinator is gone.
    store_.worker_gone(session.worker_id,
                       reason == wire::CAMPAIGN_COMPLETE ? "campaign complete" : "coordinator stopping", now);
    wire::CoordinatorMessage message;
    message.mutable_shutdown()->set_reason(reason);
    message.mutable_shutdown()->set_detail(detail);
    send(peer, std::move(message));
  }
}

}  // namespace beamline::coordinator
