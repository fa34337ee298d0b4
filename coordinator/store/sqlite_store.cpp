#include "coordinator/store/sqlite_store.h"

#include <fmt/core.h>

#include "common/campaign/trial_plan.h"
#include "common/error.h"
#include "common/fault/fault_model.h"
#include "coordinator/store/migrations.h"
#include "coordinator/store/sqlite_statements.h"

namespace beamline::store {
namespace {

std::optional<std::string_view> optional_text(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string_view>(text);
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, TimeMs now) : SqliteStore(path, now, Options{}) {}

SqliteStore::SqliteStore(const std::string& path, TimeMs now, Options options)
    : db_(path), options_(std::move(options)) {
  // WAL: readers (reports, the HTTP endpoint) never block the writer.
  db_.exec("PRAGMA busy_timeout = 5000");
  db_.exec("PRAGMA journal_mode = WAL");
  db_.exec("PRAGMA synchronous = FULL");
  db_.exec("PRAGMA foreign_keys = ON");
  apply_migrations(db_, now);
  sql_ = std::make_unique<SqliteStatements>(db_);
}

SqliteStore::~SqliteStore() = default;

std::string SqliteStore::journal_mode() {
  Statement query(db_, "PRAGMA journal_mode");
  query.step();
  return query.column_text(0);
}

int SqliteStore::schema_version() { return store::schema_version(db_); }

std::optional<StoredCampaign> SqliteStore::campaign() {
  Statement query(db_, "SELECT name, seed, source_path, toml, toml_hash, completed_ms FROM campaign WHERE id = 1");
  if (!query.step()) return std::nullopt;
  StoredCampaign stored;
  stored.name = query.column_text(0);
  stored.seed = static_cast<uint64_t>(query.column_int64(1));
  stored.source_path = query.column_text(2);
  stored.toml = query.column_text(3);
  stored.toml_hash = query.column_text(4);
  if (!query.column_is_null(5)) stored.completed_ms = query.column_int64(5);
  return stored;
}

void SqliteStore::create_campaign(const campaign::CampaignSource& source, const campaign::CampaignSpec& spec,
                                  const std::vector<campaign::Cell>& cells, TimeMs now) {
  if (campaign()) fail_in_file(db_.path(), "the database already holds a campaign");
  Transaction transaction(db_);
  Statement insert(db_,
                   "INSERT INTO campaign (id, name, seed, source_path, toml, toml_hash, created_ms, updated_ms)"
                   " VALUES (1, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, std::string_view(spec.name))
      .bind(2, static_cast<int64_t>(spec.seed))
      .bind(3, std::string_view(source.path))
      .bind(4, std::string_view(source.text))
      .bind(5, std::string_view(source.hash))
      .bind(6, now)
      .bind(7, now)
      .run();
  std::vector<size_t> all(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) all[i] = i;
  insert_cells(spec, cells, all);
  add_revision(source, cells.size(), now);
  transaction.commit();
}

campaign::CampaignChange SqliteStore::apply_campaign(const campaign::CampaignSource& source,
                                                     const campaign::CampaignSpec& spec,
                                                     const std::vector<campaign::Cell>& cells, TimeMs now) {
  const auto stored = campaign();
  if (!stored) fail_in_file(db_.path(), "the database holds no campaign");
  std::vector<campaign::StoredCell> stored_cells;
  for (const auto& row : this->cells()) stored_cells.push_back({row.key, row.definition});
  auto change = campaign::compare_campaign(stored->name, stored->seed, stored_cells, spec, cells);
  if (change.kind == campaign::ChangeKind::refused) {
    fail_in_file(db_.path(), fmt::format("refusing campaign file {}: it does more than add cells: {}", source.path,
                                         change.reason));
  }
  if (source.hash == stored->toml_hash) return change;
  Transaction transaction(db_);
  insert_cells(spec, cells, change.added);
  Statement update(db_,
                   "UPDATE campaign SET source_path = ?, toml = ?, toml_hash = ?, updated_ms = ?,"
                   " completed_ms = CASE WHEN ? > 0 THEN NULL ELSE completed_ms END WHERE id = 1");
  update.bind(1, std::string_view(source.path))
      .bind(2, std::string_view(source.text))
      .bind(3, std::string_view(source.hash))
      .bind(4, now)
      .bind(5, static_cast<int64_t>(change.added.size()))
      .run();
  add_revision(source, change.added.size(), now);
  transaction.commit();
  return change;
}

void SqliteStore::add_revision(const campaign::CampaignSource& source, size_t cells_added, TimeMs now) {
  Statement insert(db_, "INSERT INTO campaign_revision (toml, toml_hash, applied_ms, cells_added) VALUES (?, ?, ?, ?)");
  insert.bind(1, std::string_view(source.text))
      .bind(2, std::string_view(source.hash))
      .bind(3, now)
      .bind(4, static_cast<int64_t>(cells_added))
      .run();
}

// Units are inserted round by round across the new cells (the first unit of
// every cell, then the second, ...): leasing oldest-first then spreads work
// over all cells, so every cell shows results early and half-width targets
// are checked on all of them.
void SqliteStore::insert_cells(const campaign::CampaignSpec& spec, const std::vector<campaign::Cell>& cells,
                               const std::vector<size_t>& which) {
  std::vector<std::vector<UnitSpec>> units_per_cell;
  for (size_t index : which) {
    const campaign::Cell& cell = cells[index];
    const auto& fault = spec.faults[cell.fault];
    const auto& protection = spec.protections[cell.protection];
    const auto plan = campaign::plan_cell_trials(spec.budget, cell.kind, spec.datasets[cell.dataset].inputs);
    const bool transient = cell.kind == campaign::CellKind::transient;
    const std::string sampling = sites::to_string(spec.sites.sampling);
    const std::string targets = campaign::format_target_set(cell.targets);
    const std::string selection = cell.selection ? cell.selection->text() : std::string();
    auto& insert = sql_->insert_cell;
    insert.bind(1, std::string_view(cell.key))
        .bind(2, std::string_view(cell.site_key))
        .bind(3, std::string_view(cell.definition))
        .bind(4, std::string_view(campaign::to_string(cell.kind)))
        .bind(5, std::string_view(spec.models[cell.model].name))
        .bind(6, std::string_view(spec.datasets[cell.dataset].name))
        .bind(7, std::string_view(fault::to_string(fault.model)))
        .bind(8, transient ? optional_text(sampling) : std::nullopt)
        .bind(9, transient ? optional_text(targets) : std::nullopt)
        .bind(10, optional_text(selection))
        .bind(11, cell.rate)
        .bind(12, std::string_view(protection.label()))
        .bind(13, std::string_view(protection.kind))
        .bind(14, static_cast<int64_t>(campaign::total_trials(plan)));
    insert.run();
    const int64_t cell_id = db_.last_insert_rowid();
    std::vector<UnitSpec> units;
    for (const auto& range : campaign::split_into_units(plan, campaign::unit_trials_for(spec.budget, cell.kind))) {
      units.push_back({cell_id, range.input_index, range.begin, range.end});
    }
    units_per_cell.push_back(std::move(units));
  }
  for (size_t round = 0;; ++round) {
    bool any = false;
    for (const auto& units : units_per_cell) {
      if (round >= units.size()) continue;
      any = true;
      const UnitSpec& unit = units[round];
      sql_->insert_unit.bind(1, unit.cell_id)
          .bind(2, unit.input_index)
          .bind(3, static_cast<int64_t>(unit.trial_begin))
          .bind(4, static_cast<int64_t>(unit.trial_end))
          .run();
    }
    if (!any) break;
  }
}

std::vector<CellRow> SqliteStore::cells() {
  std::vector<CellRow> rows;
  auto& query = sql_->select_cells;
  while (query.step()) {
    rows.push_back({query.column_int64(0), query.column_text(1), query.column_text(2), query.column_text(3),
                    static_cast<uint64_t>(query.column_int64(4)), query.column_text(5) == "budget_met"});
  }
  query.reset();
  return rows;
}

void SqliteStore::register_worker(const WorkerInfo& worker, TimeMs now) {
  Transaction transaction(db_);
  sql_->upsert_worker.bind(1, std::string_view(worker.id))
      .bind(2, std::string_view(worker.device))
      .bind(3, int64_t{worker.capacity})
      .bind(4, std::string_view(worker.hostname))
      .bind(5, int64_t{worker.pid})
      .bind(6, int64_t{worker.protocol_version})
      .bind(7, std::string_view(worker.build))
      .bind(8, now)
      .run();
  record_event("hello", worker.id, std::nullopt, fmt::format("device={} capacity={}", worker.device, worker.capacity),
               now);
  transaction.commit();
}

void SqliteStore::worker_gone(const std::string& worker_id, const std::string& reason, TimeMs now) {
  Transaction transaction(db_);
  sql_->worker_gone.bind(1, now).bind(2, std::string_view(worker_id)).run();
  record_event("worker_gone", worker_id, std::nullopt, reason, now);
  transaction.commit();
}

void SqliteStore::record_event(const std::string& kind, const std::optional<std::string>& worker_id,
                               std::optional<int64_t> unit_id, const std::string& detail, TimeMs now) {
  sql_->insert_event.bind(1, now)
      .bind(2, std::string_view(kind))
      .bind(3, worker_id)
      .bind(4, unit_id)
      .bind(5, std::string_view(detail))
      .run();
}

std::vector<CellProgress> SqliteStore::cell_progress() {
  std::vector<CellProgress> rows;
  auto& query = sql_->cell_progress;
  while (query.step()) {
    CellProgress row;
    row.cell_id = query.column_int64(0);
    row.key = query.column_text(1);
    row.planned = static_cast<uint64_t>(query.column_int64(2));
    row.done = static_cast<uint64_t>(query.column_int64(3));
    row.sdc = static_cast<uint64_t>(query.column_int64(4));
    row.due = static_cast<uint64_t>(query.column_int64(5));
    row.budget_met = query.column_text(6) == "budget_met";
    row.pending = row.budget_met || row.done >= row.planned ? 0 : row.planned - row.done;
    rows.push_back(std::move(row));
  }
  query.reset();
  return rows;
}

void SqliteStore::mark_budget_met(int64_t cell_id, TimeMs now) {
  Transaction transaction(db_);
  Statement cell(db_, "UPDATE cell SET state = 'budget_met' WHERE id = ?");
  cell.bind(1, cell_id).run();
  Statement units(db_, "UPDATE unit SET state = 'cancelled' WHERE cell_id = ? AND state = 'pending'");
  units.bind(1, cell_id).run();
  record_event("budget_met", std::nullopt, std::nullopt, fmt::format("cell {}", cell_id), now);
  transaction.commit();
}

UnitCounts SqliteStore::unit_counts() {
  UnitCounts counts;
  auto& query = sql_->unit_counts;
  while (query.step()) {
    const std::string state = query.column_text(0);
    const auto n = static_cast<uint64_t>(query.column_int64(1));
    if (state == "pending") counts.pending = n;
    if (state == "leased") counts.leased = n;
    if (state == "done") counts.done = n;
    if (state == "cancelled") counts.cancelled = n;
  }
  query.reset();
  return counts;
}

void SqliteStore::mark_complete(TimeMs now) {
  Transaction transaction(db_);
  Statement update(db_, "UPDATE campaign SET completed_ms = ? WHERE id = 1");
  update.bind(1, now).run();
  record_event("campaign_complete", std::nullopt, std::nullopt, "", now);
  transaction.commit();
}

bool SqliteStore::is_complete() {
  const auto stored = campaign();
  return stored && stored->completed_ms.has_value();
}

}  // namespace beamline::store
