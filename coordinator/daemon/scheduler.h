#pragma once
// The coordinator's decisions, without sockets: who may receive how many
// units (credit), leases and their extension by heartbeats, liveness,
// results stored in one transaction then acknowledged, budgets, completion.
// The socket loop (coordinator_daemon.cpp) feeds it decoded messages by
// peer (a ZeroMQ routing id) and sends what take_outbox() returns, never
// blocking. Tests drive it with a ManualClock and read the outbox.
//
// What must stay true:
// - An Ack is queued only after record_results() returned (committed).
// - A unit is sent to a worker only if that worker asked for it (credit).
// - Leases live in the store; the scheduler's memory is only a cache of who
//   is connected, so a restarted coordinator resumes from the database.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/campaign/campaign_spec.h"
#include "common/campaign/cells.h"
#include "coordinator/daemon/clock.h"
#include "coordinator/daemon/event_throttle.h"
#include "coordinator/store/store.h"
#include "schema/beamline.pb.h"

namespace beamline::coordinator {

struct SchedulerOptions {
  uint32_t heartbeat_interval_ms = 1000;
  uint32_t heartbeat_liveness = 3;  // missed intervals before a worker is presumed dead
  uint32_t lease_ms = 30000;        // from issue or the last extension
  uint32_t max_unit_failures = 3;   // a unit that fails this often stops the campaign
  uint32_t touch_interval_ms = 5000;  // worker.last_seen_ms is written at most this often
  std::string coordinator_id;       // changes on every start
};

struct Outgoing {
  std::string peer;  // ZeroMQ routing id
  wire::CoordinatorMessage message;
};

struct WorkerSession {
  std::string worker_id;
  uint32_t credit = 0;
  int64_t last_heard_ms = 0;
  int64_t last_extended_ms = 0;
  int64_t last_touched_ms = 0;
  bool reconciled = false;           // the first heartbeat released stale leases
  std::set<int64_t> assigned;        // units sent in this session, not yet finished
};

class Scheduler {
 public:
  Scheduler(store::Store& store, const campaign::CampaignSpec& spec, const std::vector<campaign::Cell>& cells,
            wire::Manifest manifest, const Clock& clock, SchedulerOptions options);

  // One decoded message. Results are queued; flush_results() stores them.
  // Returns why it was dropped instead (a peer that has not said hello),
  // for the caller's bad-frame log; nullopt when it was acted on.
  std::optional<std::string> on_message(const std::string& peer, const wire::WorkerMessage& message);
  // Every queued Results in one transaction, then the Acks and budgets.
  void flush_results();
  // Liveness, heartbeats, lease expiry, assignment, completion.
  void tick();

  // Drain: no more leases; results still stored and acknowledged.
  void stop_assigning() { assigning_ = false; }
  // Sends Shutdown to every connected worker (the caller sends the outbox
  // before exiting); with release, their units go back to pending first so
  // a restarted coordinator reissues them at once.
  void shutdown_all(wire::ShutdownReason reason, const std::string& detail, bool release);

  // Writes the count of refusals held back (rate-limited, like bad
  // frames) once their window has closed; with force, at once (at exit).
  void flush_refusals(bool force = false);

  bool complete() const { return complete_; }
  bool units_in_flight();  // any unit leased
  const std::optional<std::string>& fatal_error() const { return fatal_error_; }
  size_t sessions() const { return sessions_.size(); }

  std::vector<Outgoing> take_outbox();

 private:
  struct QueuedResults {
    std::string peer;
    uint64_t batch_seq = 0;
    bool unit_finished = false;
  };

  void on_hello(const std::string& peer, const wire::Hello& hello);
  void on_credit(const std::string& peer, WorkerSession& session, const wire::Credit& credit);
  void on_results(const std::string& peer, WorkerSession& session, const wire::Results& results);
  void on_heartbeat(WorkerSession& session, const wire::Heartbeat& heartbeat);
  void on_goodbye(const std::string& peer, const wire::Goodbye& goodbye);
  void on_unit_error(WorkerSession& session, const wire::Results& results);

  void assign();
  void assign_to(const std::string& peer, WorkerSession& session);
  void drop_session(const std::string& peer, const std::string& reason, bool release);
  bool worker_connected_elsewhere(const std::string& worker_id, const std::string& peer) const;
  void check_budgets(const std::set<int64_t>& cells);
  void check_complete();
  void send(const std::string& peer, wire::CoordinatorMessage message);
  void refuse(const std::string& peer, const std::string& worker_id, const std::string& detail);

  store::Store& store_;
  const campaign::CampaignSpec& spec_;
  std::map<int64_t, size_t> cell_index_;  // database cell id -> index into cells_
  const std::vector<campaign::Cell>& cells_;
  wire::Manifest manifest_;
  const Clock& clock_;
  SchedulerOptions options_;

  std::map<std::string, WorkerSession> sessions_;  // by peer
  std::vector<store::ResultBatch> queued_;
  std::vector<QueuedResults> queued_meta_;
  std::map<int64_t, uint32_t> unit_failures_;
  std::vector<Outgoing> outbox_;

  bool assigning_ = true;
  bool maybe_pending_ = true;  // lease_units may find something
  bool complete_ = false;
  int64_t last_heartbeat_ms_ = 0;
  int64_t last_expiry_ms_ = 0;
  int64_t last_complete_check_ms_ = 0;
  bool work_finished_since_check_ = true;
  std::optional<std::string> fatal_error_;
  size_t dropped_trials_ = 0;
  // A client that says a wrong hello in a loop gets a Shutdown each time,
  // but only the first refusals of a window are logged and recorded.
  static constexpr size_t kRefusalsPerWindow = 5;
  static constexpr int64_t kRefusalWindowMs = 10000;
  EventThrottle refusals_;
};

}  // namespace beamline::coordinator
