#pragma once
// What the coordinator loop needs from its database: a small interface so
// the scheduler's tests can use a fake (Ray core's habit: each seam is an
// interface). SqliteStore is the real one. Called from one thread; every
// method that writes commits before it returns, so "acknowledge after
// commit" means "acknowledge after the call".
#include <optional>
#include <string>
#include <vector>

#include "coordinator/store/store_types.h"

namespace beamline::store {

class Store {
 public:
  virtual ~Store() = default;

  virtual std::optional<StoredCampaign> campaign() = 0;
  virtual std::vector<CellRow> cells() = 0;

  // Workers and events.
  virtual void register_worker(const WorkerInfo& worker, TimeMs now) = 0;
  virtual void worker_gone(const std::string& worker_id, const std::string& reason, TimeMs now) = 0;
  // Heartbeat bookkeeping (worker.last_seen_ms); callers throttle it.
  virtual void touch_worker(const std::string& worker_id, TimeMs now) = 0;
  virtual void record_event(const std::string& kind, const std::optional<std::string>& worker_id,
                            std::optional<int64_t> unit_id, const std::string& detail, TimeMs now) = 0;

  // Leases; the worker must be registered first (a lease names it).
  // lease_units hands out up to max_units pending units, oldest first;
  // extend_leases moves the deadline of every unit the worker holds;
  // expire_leases returns units whose deadline passed to pending (they are
  // reissued by later lease_units calls) and returns their ids;
  // release_worker does the same for one worker's units (goodbye, death).
  virtual std::vector<LeasedUnit> lease_units(const std::string& worker_id, size_t max_units, TimeMs deadline,
                                              TimeMs now) = 0;
  virtual size_t extend_leases(const std::string& worker_id, TimeMs deadline) = 0;
  virtual std::vector<int64_t> expire_leases(TimeMs now) = 0;
  virtual std::vector<int64_t> release_worker(const std::string& worker_id, TimeMs now) = 0;
  // The units leased to a worker; release_units returns some of them to
  // pending (a reconnected worker that no longer holds them, a unit that
  // failed), recording `event` for each. Units not leased to the worker are
  // left alone.
  virtual std::vector<int64_t> leased_unit_ids(const std::string& worker_id) = 0;
  // Moves the deadline of the listed units the worker holds (a heartbeat's
  // progress): a unit the worker never received is not extended, expires
  // and is reissued.
  virtual size_t extend_unit_leases(const std::string& worker_id, const std::vector<int64_t>& unit_ids,
                                    TimeMs deadline) = 0;
  virtual std::vector<int64_t> release_units(const std::string& worker_id, const std::vector<int64_t>& unit_ids,
                                             const std::string& event, TimeMs now) = 0;

  // Results: every batch in one transaction. A trial already stored is a
  // duplicate, never an error; a unit whose trials are all stored is done,
  // whoever holds its lease.
  virtual std::vector<BatchOutcome> record_results(const std::vector<ResultBatch>& batches, TimeMs now) = 0;

  // Budgets. mark_budget_met cancels the cell's pending units (a half-width
  // target reached early); leased units may still report and are stored.
  virtual std::vector<CellProgress> cell_progress() = 0;
  virtual void mark_budget_met(int64_t cell_id, TimeMs now) = 0;
  virtual UnitCounts unit_counts() = 0;

  virtual void mark_complete(TimeMs now) = 0;
  virtual bool is_complete() = 0;
};

}  // namespace beamline::store
