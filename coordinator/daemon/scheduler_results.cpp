// Scheduler: results. Results messages are queued as they arrive and stored
// together by flush_results() -- one transaction (one fsync) for everything
// the socket loop read in one pass -- and only then acknowledged.
#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include "common/campaign/trial_plan.h"
#include "common/protocol/wire_outcome.h"
#include "coordinator/daemon/scheduler.h"

namespace beamline::coordinator {
namespace {

store::GoldenRecord to_record(const wire::GoldenRun& golden) {
  store::GoldenRecord record;
  record.model = golden.model();
  record.dataset = golden.dataset();
  record.input_index = golden.input_index();
  record.source_row = golden.source_row();
  record.prompt_digest = golden.prompt_digest();
  record.protection = golden.protection();
  record.output_text = golden.output_text();
  for (int i = 0; i < golden.output_tokens_size(); ++i) {
    if (i > 0) record.output_tokens += ' ';
    record.output_tokens += std::to_string(golden.output_tokens(i));
  }
  record.correct = golden.correct();
  record.steps = golden.steps();
  record.duration_seconds = golden.duration_seconds();
  record.first_token_seconds = golden.first_token_seconds();
  return record;
}

}  // namespace

void Scheduler::on_results(const std::string& peer, WorkerSession& session, const wire::Results& results) {
  if (!results.error().empty()) on_unit_error(session, results);
  store::ResultBatch batch;
  batch.worker_id = session.worker_id;
  batch.unit_id = static_cast<int64_t>(results.unit_id());
  for (const auto& trial : results.trials()) {
    const auto outcome = protocol::from_wire(trial.outcome());
    if (!outcome) {
      // Not stored, so the unit stays unfinished and is reissued.
      if (dropped_trials_++ < 10) {
        spdlog::warn("worker '{}': trial {} of cell {} has no known outcome; dropped", session.worker_id,
                     trial.trial_index(), trial.cell_id());
      }
      continue;
    }
    store::TrialRecord record;
    record.cell_id = static_cast<int64_t>(trial.cell_id());
    record.trial_index = trial.trial_index();
    record.input_index = trial.input_index();
    record.outcome = *outcome;
    record.site = trial.site();
    record.corrections = trial.corrections();
    if (trial.first_divergence_step() >= 0) record.first_divergence_step = trial.first_divergence_step();
    record.duration_seconds = trial.duration_seconds();
    if (trial.has_accuracy()) record.accuracy = trial.accuracy();
    if (trial.has_non_finite()) record.non_finite = trial.non_finite();
    if (trial.has_fault_count()) record.fault_count = trial.fault_count();
    batch.trials.push_back(std::move(record));
  }
  for (const auto& golden : results.golden()) batch.golden.push_back(to_record(golden));
  queued_.push_back(std::move(batch));
  queued_meta_.push_back({peer, results.batch_seq(), results.unit_finished() && results.error().empty()});
}

void Scheduler::on_unit_error(WorkerSession& session, const wire::Results& results) {
  const auto unit_id = static_cast<int64_t>(results.unit_id());
  const int64_t now = clock_.now_ms();
  const uint32_t failures = ++unit_failures_[unit_id];
  spdlog::error("unit {} failed on worker '{}' (failure {} of {}): {}", unit_id, session.worker_id, failures,
                options_.max_unit_failures, results.error());
  store_.record_event("unit_error", session.worker_id, unit_id, results.error(), now);
  if (!store_.release_units(session.worker_id, {unit_id}, "unit_failed", now).empty()) maybe_pending_ = true;
  session.assigned.erase(unit_id);
  if (failures >= options_.max_unit_failures && !fatal_error_) {
    fatal_error_ = fmt::format("unit {} failed {} times; last error (worker '{}'): {}", unit_id, failures,
                               session.worker_id, results.error());
  }
}

void Scheduler::flush_results() {
  if (queued_.empty()) return;
  const int64_t now = clock_.now_ms();
  const auto outcomes = store_.record_results(queued_, now);
  // Committed: from here on an Ack may go out.
  std::set<int64_t> cells;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const auto& outcome = outcomes[i];
    const auto& batch = queued_[i];
    const auto& meta = queued_meta_[i];
    for (const auto& trial : batch.trials) cells.insert(trial.cell_id);
    if (outcome.rejected > 0) {
      spdlog::warn("worker '{}': {} trial(s) of unit {} are not trials of that unit; ignored", batch.worker_id,
                   outcome.rejected, batch.unit_id);
    }
    auto session = sessions_.find(meta.peer);
    if (outcome.unit_done) work_finished_since_check_ = true;
    if (meta.unit_finished && !outcome.unit_done) {
      // The worker says it ran the whole unit, yet trials are missing
      // (dropped outcomes, a stopped run): run it again.
      spdlog::warn("unit {} reported finished by '{}' with trials missing; it will be reissued", batch.unit_id,
                   batch.worker_id);
      if (!store_.release_units(batch.worker_id, {batch.unit_id}, "unit_incomplete", now).empty()) {
        maybe_pending_ = true;
      }
    }
    if (session != sessions_.end() && (outcome.unit_done || meta.unit_finished)) {
      session->second.assigned.erase(batch.unit_id);
    }
    wire::CoordinatorMessage message;
    auto* ack = message.mutable_ack();
    ack->set_unit_id(static_cast<uint64_t>(batch.unit_id));
    ack->set_batch_seq(meta.batch_seq);
    ack->set_stored(static_cast<uint32_t>(outcome.stored));
    ack->set_duplicates(static_cast<uint32_t>(outcome.duplicates));
    send(meta.peer, std::move(message));
  }
  queued_.clear();
  queued_meta_.clear();
  check_budgets(cells);
}

// A half-width target met early cancels the cell's pending units. Fixed
// budgets end by running out of units, so only cells still short of their
// planned trials are looked at.
void Scheduler::check_budgets(const std::set<int64_t>& cells) {
  if (spec_.budget.mode != campaign::BudgetMode::target_half_width || cells.empty()) return;
  const int64_t now = clock_.now_ms();
  for (const auto& cell : store_.cell_progress()) {
    if (cell.budget_met || cells.count(cell.cell_id) == 0 || cell.done >= cell.planned) continue;
    if (campaign::cell_budget_met(spec_.budget, cell.planned, cell.done, cell.sdc)) {
      spdlog::info("cell {} met its half-width target after {} trials", cell.key, cell.done);
      store_.mark_budget_met(cell.cell_id, now);
      work_finished_since_check_ = true;
    }
  }
}

}  // namespace beamline::coordinator
