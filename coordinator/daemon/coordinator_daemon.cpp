#include "coordinator/daemon/coordinator_daemon.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <random>

#include "common/campaign/campaign_parser.h"
#include "common/error.h"
#include "common/manifest/manifest.h"
#include "common/protocol/frame_codec.h"
#include "common/stop_signals.h"
#include "coordinator/daemon/bad_frame_log.h"
#include "coordinator/daemon/lock_file.h"
#include "coordinator/daemon/router_socket.h"
#include "coordinator/http/http_server.h"
#include "coordinator/store/campaign_setup.h"

namespace beamline::coordinator {
namespace {

constexpr std::chrono::milliseconds kPollTimeout{50};
constexpr size_t kMaxMessagesPerPass = 2000;  // then commit, so acks are never far behind
constexpr int64_t kProgressIntervalMs = 500;

DropReason drop_reason(protocol::FrameProblem problem) {
  switch (problem) {
    case protocol::FrameProblem::oversized: return DropReason::oversized;
    case protocol::FrameProblem::unknown_message: return DropReason::unknown_message;
    default: return DropReason::malformed;
  }
}

std::string new_coordinator_id() {
  std::random_device random;
  return fmt::format("{:08x}-{}", random(), ::getpid());
}

class Loop {
 public:
  Loop(const CoordinatorOptions& options, store::Store& store, Scheduler& scheduler, RouterSocket& socket,
       const Clock& clock)
      : options_(options), store_(store), scheduler_(scheduler), socket_(socket), clock_(clock),
        bad_frames_(store, clock) {}

  int run();

 private:
  int passes();
  void read_messages();
  void send_outbox();
  void report_progress(bool force);
  bool stop_requested() const {
    return (options_.handle_signals && StopSignals::count() > 0) || (options_.should_stop && options_.should_stop());
  }

  const CoordinatorOptions& options_;
  store::Store& store_;
  Scheduler& scheduler_;
  RouterSocket& socket_;
  const Clock& clock_;
  BadFrameLog bad_frames_;
  int64_t last_progress_ms_ = 0;
};

// Everything that is not one well-formed message from a worker that said
// hello is dropped here and logged through bad_frames_ (rate-limited): a
// rogue client must disturb neither the campaign nor the log.
void Loop::read_messages() {
  for (const auto& failure : socket_.take_handshake_failures()) bad_frames_.drop(DropReason::handshake, "", failure);
  for (size_t n = 0; n < kMaxMessagesPerPass; ++n) {
    auto inbound = socket_.receive();
    if (!inbound) break;
    const std::string peer = peer_text(inbound->peer);
    if (inbound->frames != 1) {
      // A REQ client's empty delimiter, a multi-frame sender: not ours.
      bad_frames_.drop(DropReason::multipart, peer,
                       fmt::format("a message of {} frames (expected 1 after the routing id)", inbound->frames));
      continue;
    }
    auto decoded = protocol::decode_worker_message(inbound->frame);
    if (!decoded) {
      bad_frames_.drop(drop_reason(decoded.problem), peer, decoded.error);
      continue;
    }
    if (auto dropped = scheduler_.on_message(inbound->peer, *decoded.message)) {
      bad_frames_.drop(DropReason::before_hello, peer, *dropped);
    }
  }
  bad_frames_.flush();
}

void Loop::send_outbox() {
  for (auto& out : scheduler_.take_outbox()) socket_.send(out.peer, protocol::encode(out.message));
}

void Loop::report_progress(bool force) {
  if (!options_.on_progress) return;
  const int64_t now = clock_.now_ms();
  if (!force && now - last_progress_ms_ < kProgressIntervalMs) return;
  last_progress_ms_ = now;
  Progress progress = progress_of(store_);
  progress.workers = scheduler_.sessions();
  progress.complete = scheduler_.complete();
  options_.on_progress(progress);
}

int Loop::run() {
  const int code = passes();
  bad_frames_.flush(true);  // what was counted but not yet written
  scheduler_.flush_refusals(true);
  return code;
}

int Loop::passes() {
  bool draining = false;
  int64_t drain_deadline = 0;
  while (true) {
    if (options_.handle_signals && StopSignals::count() >= 2) {
      // Second signal: leave now. Every store call has returned, so the
      // database holds only committed transactions.
      spdlog::warn("second signal: exiting without waiting for in-flight results");
      return kExitStopped;
    }
    if (!draining && stop_requested()) {
      draining = true;
      drain_deadline = clock_.now_ms() + options_.drain_ms;
      scheduler_.stop_assigning();
      spdlog::warn("stopping: no new units; waiting up to {} ms for in-flight results (again to exit at once)",
                   options_.drain_ms);
    }
    socket_.wait(kPollTimeout);
    read_messages();
    scheduler_.flush_results();
    scheduler_.tick();
    send_outbox();
    report_progress(false);
    if (scheduler_.fatal_error()) {
      scheduler_.shutdown_all(wire::COORDINATOR_STOPPING, *scheduler_.fatal_error(), true);
      send_outbox();
      throw Error(*scheduler_.fatal_error());
    }
    if (scheduler_.complete()) {
      scheduler_.shutdown_all(wire::CAMPAIGN_COMPLETE, "", false);
      send_outbox();
      report_progress(true);
      return kExitComplete;
    }
    if (draining && (clock_.now_ms() >= drain_deadline || !scheduler_.units_in_flight())) {
      scheduler_.shutdown_all(wire::COORDINATOR_STOPPING, "the coordinator is stopping", true);
      send_outbox();
      report_progress(true);
      spdlog::warn("stopped; run the coordinator again on the same database to resume");
      return kExitStopped;
    }
  }
}

}  // namespace

Progress progress_of(store::Store& store) {
  Progress progress;
  for (const auto& cell : store.cell_progress()) {
    progress.done += cell.done;
    progress.total += cell.budget_met ? cell.done : cell.planned;
    progress.sdc += cell.sdc;
    progress.due += cell.due;
  }
  return progress;
}

int run_coordinator(const CoordinatorOptions& options) {
  if (options.handle_signals) StopSignals::install();
  LockFile lock(options.db_path);
  SystemClock clock;
  std::optional<campaign::CampaignSource> source;
  if (options.campaign_path) source = campaign::read_campaign_source(*options.campaign_path);
  auto opened = store::open_campaign_store(options.db_path, source, clock.now_ms());
  const auto stored = opened.store->campaign();
  const auto accepted = source ? *source : campaign::campaign_source_from_text(stored->source_path, stored->toml);
  const std::string root = manifest::campaign_root(opened.spec);
  const auto campaign_manifest = manifest::build_manifest(accepted, opened.spec, root);

  SchedulerOptions scheduler_options = options.scheduler;
  if (scheduler_options.coordinator_id.empty()) scheduler_options.coordinator_id = new_coordinator_id();
  Scheduler scheduler(*opened.store, opened.spec, opened.cells, campaign_manifest, clock, scheduler_options);
  RouterSocket socket(options.bind, protocol::kMaxSocketMessageBytes);
  const auto progress = progress_of(*opened.store);
  spdlog::info("coordinator {} on {}: campaign '{}' ({} cells, {} of {} trials done{}), database {}",
               scheduler_options.coordinator_id, socket.endpoint(), opened.spec.name, opened.cells.size(),
               progress.done, progress.total,
               opened.cells_added > 0 ? fmt::format(", {} cells added", opened.cells_added) : "", options.db_path);
  // The HTTP endpoint reads the same database through its own read-only
  // connection on its own thread; it never waits on this loop.
  std::unique_ptr<http::HttpServer> http_server;
  if (!options.http.empty()) {
    http_server = std::make_unique<http::HttpServer>(options.http, options.db_path, http::default_dashboard_dir());
    http_server->start();
    spdlog::info("HTTP endpoint on {} (port {})", options.http, http_server->port());
  }
  if (options.on_bound) options.on_bound(socket.endpoint());
  Loop loop(options, *opened.store, scheduler, socket, clock);
  return loop.run();
}

}  // namespace beamline::coordinator
