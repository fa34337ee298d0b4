#pragma once
// The coordinator's SQLite database (schema/migrations): WAL mode, prepared
// statements, one writer. Opening applies missing migrations. One thread
// uses it; a read-only reporter may open the same file in another
// connection (WAL lets readers run beside the writer).
//
// Durability: synchronous=FULL, so a committed batch survives a power cut,
// not only a process crash -- results are acknowledged to workers after
// commit, and an acknowledged result is never resent.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/campaign/campaign_change.h"
#include "common/campaign/campaign_parser.h"
#include "common/campaign/cells.h"
#include "coordinator/store/sqlite_db.h"
#include "coordinator/store/store.h"

namespace beamline::store {

struct SqliteStatements;

class SqliteStore final : public Store {
 public:
  struct Options {
    // Tests only: runs inside record_results' transaction just before
    // COMMIT, to kill the process mid-batch.
    std::function<void()> before_commit;
  };

  SqliteStore(const std::string& path, TimeMs now, Options options);
  SqliteStore(const std::string& path, TimeMs now);
  ~SqliteStore() override;

  // A new database: stores the campaign file (text, hash) and its cells,
  // with every unit pending. Throws beamline::Error if one is stored already.
  void create_campaign(const campaign::CampaignSource& source, const campaign::CampaignSpec& spec,
                       const std::vector<campaign::Cell>& cells, TimeMs now);
  // Resume with a campaign file: identical cells -> nothing changes (a
  // changed text is recorded as a revision); only added cells -> they and
  // their units are inserted; anything else -> beamline::Error naming the
  // database and what changed, and the database is left as it was.
  campaign::CampaignChange apply_campaign(const campaign::CampaignSource& source, const campaign::CampaignSpec& spec,
                                          const std::vector<campaign::Cell>& cells, TimeMs now);

  std::string journal_mode();
  int schema_version();
  const std::string& path() const { return db_.path(); }

  std::optional<StoredCampaign> campaign() override;
  std::vector<CellRow> cells() override;
  void register_worker(const WorkerInfo& worker, TimeMs now) override;
  void worker_gone(const std::string& worker_id, const std::string& reason, TimeMs now) override;
  void record_event(const std::string& kind, const std::optional<std::string>& worker_id,
                    std::optional<int64_t> unit_id, const std::string& detail, TimeMs now) override;
  std::vector<LeasedUnit> lease_units(const std::string& worker_id, size_t max_units, TimeMs deadline,
                                      TimeMs now) override;
  size_t extend_leases(const std::string& worker_id, TimeMs deadline) override;
  std::vector<int64_t> expire_leases(TimeMs now) override;
  std::vector<int64_t> release_worker(const std::string& worker_id, TimeMs now) override;
  void touch_worker(const std::string& worker_id, TimeMs now) override;
  std::vector<int64_t> leased_unit_ids(const std::string& worker_id) override;
  size_t extend_unit_leases(const std::string& worker_id, const std::vector<int64_t>& unit_ids,
                            TimeMs deadline) override;
  std::vector<int64_t> release_units(const std::string& worker_id, const std::vector<int64_t>& unit_ids,
                                     const std::string& event, TimeMs now) override;
  std::vector<BatchOutcome> record_results(const std::vector<ResultBatch>& batches, TimeMs now) override;
  std::vector<CellProgress> cell_progress() override;
  void mark_budget_met(int64_t cell_id, TimeMs now) override;
  UnitCounts unit_counts() override;
  void mark_complete(TimeMs now) override;
  bool is_complete() override;

 private:
  void insert_cells(const campaign::CampaignSpec& spec, const std::vector<campaign::Cell>& cells,
                    const std::vector<size_t>& which);
  void add_revision(const campaign::CampaignSource& source, size_t cells_added, TimeMs now);
  BatchOutcome record_batch(const ResultBatch& batch, TimeMs now);
  void record_golden(const std::string& worker_id, const GoldenRecord& golden, TimeMs now);
  std::vector<int64_t> unlease(const std::vector<std::pair<int64_t, std::string>>& units, const char* event,
                               TimeMs now);

  Database db_;
  Options options_;
  std::unique_ptr<SqliteStatements> sql_;
};

}  // namespace beamline::store
