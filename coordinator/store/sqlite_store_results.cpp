// SqliteStore: results. Every batch of a call goes into one transaction
// (one fsync for many batches: the coordinator collects what arrived, calls
// once, then acknowledges all of them).
#include "common/campaign/outcome.h"
#include "coordinator/store/sqlite_statements.h"
#include "coordinator/store/sqlite_store.h"

namespace beamline::store {
namespace {

struct UnitRow {
  int64_t cell_id = 0;
  uint64_t begin = 0;
  uint64_t end = 0;
  std::string state;
};

std::optional<int64_t> as_int(const std::optional<uint64_t>& value) {
  return value ? std::optional<int64_t>(static_cast<int64_t>(*value)) : std::nullopt;
}

}  // namespace

std::vector<BatchOutcome> SqliteStore::record_results(const std::vector<ResultBatch>& batches, TimeMs now) {
  std::vector<BatchOutcome> outcomes;
  Transaction transaction(db_);
  for (const auto& batch : batches) outcomes.push_back(record_batch(batch, now));
  if (options_.before_commit) options_.before_commit();
  transaction.commit();
  return outcomes;
}

BatchOutcome SqliteStore::record_batch(const ResultBatch& batch, TimeMs now) {
  BatchOutcome outcome;
  for (const GoldenRecord& golden : batch.golden) record_golden(batch.worker_id, golden, now);
  std::optional<UnitRow> unit;
  auto& lookup = sql_->unit_by_id;
  lookup.bind(1, batch.unit_id);
  if (lookup.step()) {
    unit = UnitRow{lookup.column_int64(0), static_cast<uint64_t>(lookup.column_int64(1)),
                   static_cast<uint64_t>(lookup.column_int64(2)), lookup.column_text(3)};
  }
  lookup.reset();

  int64_t stored = 0, sdc = 0, due = 0;
  for (const TrialRecord& trial : batch.trials) {
    const bool belongs = unit && trial.cell_id == unit->cell_id && trial.trial_index >= unit->begin &&
                         trial.trial_index < unit->end;
    if (!belongs) {
      outcome.trials.push_back(TrialInsert::rejected);
      ++outcome.rejected;
      continue;
    }
    auto& insert = sql_->insert_trial;
    insert.bind(1, trial.cell_id)
        .bind(2, static_cast<int64_t>(trial.trial_index))
        .bind(3, trial.input_index)
        .bind(4, std::string_view(campaign::to_string(trial.outcome)))
        .bind(5, std::string_view(trial.site))
        .bind(6, static_cast<int64_t>(trial.corrections))
        .bind(7, trial.first_divergence_step)
        .bind(8, trial.duration_seconds)
        .bind(9, std::string_view(batch.worker_id))
        .bind(10, batch.unit_id)
        .bind(11, trial.accuracy)
        .bind(12, as_int(trial.non_finite))
        .bind(13, as_int(trial.fault_count))
        .bind(14, now);
    insert.run();
    if (db_.changes() == 0) {
      outcome.trials.push_back(TrialInsert::duplicate);
      ++outcome.duplicates;
      continue;
    }
    outcome.trials.push_back(TrialInsert::stored);
    ++outcome.stored;
    ++stored;
    sdc += trial.outcome == campaign::Outcome::sdc;
    due += trial.outcome == campaign::Outcome::due;
  }
  if (!unit) return outcome;
  if (stored > 0) sql_->bump_cell_counts.bind(1, stored).bind(2, sdc).bind(3, due).bind(4, unit->cell_id).run();

  if (unit->state == "done") {
    outcome.unit_done = true;
    return outcome;
  }
  auto& count = sql_->count_unit_trials;
  count.bind(1, unit->cell_id).bind(2, static_cast<int64_t>(unit->begin)).bind(3, static_cast<int64_t>(unit->end));
  count.step();
  const auto present = static_cast<uint64_t>(count.column_int64(0));
  count.reset();
  if (present == unit->end - unit->begin) {
    sql_->finish_unit.bind(1, batch.unit_id).run();
    outcome.unit_done = true;
  }
  return outcome;
}

}  // namespace beamline::store
