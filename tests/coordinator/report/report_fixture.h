#pragma once
// A campaign database with known counts, written straight into the schema
// the store creates (migrations applied by coordinator/store), so every
// number the report and the HTTP endpoint show can be checked by hand.
// Shared by tests/coordinator/report and tests/coordinator/http.
//
// Transient (model m, dataset qa, single_bit, targets all, one site key):
//   cell 1 protection none, cell 2 protection ft2, trials 0..19 on the same
//   sites: layer v_proj for even i, q_proj for odd i; step i % 4; bits "30"
//   when i % 3 == 0 else "3+30".
//   none: sdc for i < 8, due for i = 19 -> n 20, sdc 8, due 1, masked 11.
//   ft2:  sdc for i = 1, 3, due for i = 19 -> n 20, sdc 2, due 1.
// Weight (model m, dataset choice, bit_error_rate, component=attention,
//   float32, 10 inputs, protection none), 4 trials per rate:
//   cell 3 p=1e-6: accuracy .8 .8 .7 .7, faults 3 3 3 12
//   cell 4 p=1e-4: accuracy .5 .4 .3 .4, faults 300 each
//   cell 5 p=1e-2: accuracy .1 .2 .1 .2, faults 30000 each, non_finite 1 0 2 0
//   (sites "weight:faults=F,elements=F,population=3200000", cell 5 without population)
// Golden: qa inputs 0, 1 with none 1.0 s and 3.0 s, ft2 1.1 s and 3.3 s
//   (overhead 0.1), steps 10 and 30, first token none 0.05 s and 0.45 s,
//   ft2 0.11 s and 0.66 s (first-token share of time, pooled: none
//   0.5 / 4.0 = 0.125, ft2 0.77 / 4.4 = 0.175 -- not the mean of the runs'
//   shares, 0.1 and 0.15; even share 2 / 40 = 0.05); choice inputs 0..9, 8
//   correct (baseline accuracy 0.8);
//   choice inputs 0 and 1 ran 2.0 s without a first-token time (NULL, 0),
//   so they count in no first-token share.
// Workers: w1 alive (last seen at kNowMs), w2 gone. Units: 4 done, one
//   pending with issue_count 3 (2 reissues), one leased with issue_count 2.
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "coordinator/store/migrations.h"
#include "coordinator/store/sqlite_db.h"

namespace beamline::testing {

inline constexpr long long kNowMs = 1'700'000'000'000;

inline void build_report_fixture(const std::string& path) {
  store::Database db(path);
  db.exec("PRAGMA journal_mode = WAL");
  store::apply_migrations(db, kNowMs);
  db.exec("BEGIN");
  db.exec(
      "INSERT INTO campaign VALUES (1, 'fixture', 7, 'fixture.toml', '', 'h', 0, 0, NULL);"
      "INSERT INTO cell (id, key, site_key, definition, kind, model, dataset, fault_model, sampling, targets, "
      "  selection, rate, protection, protection_kind, planned_trials, done_trials, sdc_trials, due_trials) VALUES"
      " (1, 'transient|S|protection=none', 'transient|S', 'd;model=m,kind=hf,path=p,dtype=float32;dataset=qa,inputs=2',"
      "  'transient', 'm', 'qa', 'single_bit', 'compute', 'all', NULL, NULL, 'none', 'none', 20, 20, 8, 1),"
      " (2, 'transient|S|protection=ft2', 'transient|S', 'd;model=m,kind=hf,path=p,dtype=float32;dataset=qa,inputs=2',"
      "  'transient', 'm', 'qa', 'single_bit', 'compute', 'all', NULL, NULL, 'ft2', 'ft2', 20, 20, 2, 1);");
  for (int i = 0; i < 20; ++i) {
    const std::string site = "step=" + std::to_string(i % 4) + ",block=" + std::to_string(i % 2) +
                             ",layer=" + (i % 2 == 0 ? "v_proj" : "q_proj") + ",index=" + std::to_string(i) +
                             ",bits=" + (i % 3 == 0 ? "30" : "3+30");
    const std::string none = i < 8 ? "sdc" : i == 19 ? "due" : "masked_identical";
    const std::string ft2 = (i == 1 || i == 3) ? "sdc" : i == 19 ? "due" : "masked_identical";
    for (const auto& [cell, outcome] : {std::pair{1, none}, std::pair{2, ft2}}) {
      db.exec("INSERT INTO trial (cell_id, trial_index, input_index, outcome, site, recorded_ms) VALUES (" +
              std::to_string(cell) + ", " + std::to_string(i) + ", " + std::to_string(i / 10) + ", '" + outcome +
              "', '" + site + "', " + std::to_string(kNowMs - 30'000 + i * 1000) + ")");
    }
  }
  const char* weight_cells[] = {"3, 1e-06", "4, 0.0001", "5, 0.01"};
  for (const char* cell : weight_cells) {
    const std::string id_rate = cell;
    const std::string id = id_rate.substr(0, 1), rate = id_rate.substr(3);
    db.exec("INSERT INTO cell (id, key, site_key, definition, kind, model, dataset, fault_model, selection, rate, "
            "protection, protection_kind, planned_trials, done_trials, sdc_trials, due_trials) VALUES (" + id +
            ", 'weight|" + rate + "|protection=none', 'weight|" + rate +
            "', 'k;model=m,kind=hf,path=p,dtype=float32;dataset=choice,path=c,task=choice,inputs=10,selection=first', "
            "'weight', 'm', 'choice', 'bit_error_rate', 'component=attention', " + rate +
            ", 'none', 'none', 4, 4, 0, 0)");
  }
  const struct {
    int cell;
    double accuracy;
    int faults;
    int non_finite;
  } weight_trials[] = {{3, .8, 3, 0},     {3, .8, 3, 0},     {3, .7, 3, 0},     {3, .7, 12, 0},
                       {4, .5, 300, 0},   {4, .4, 300, 0},   {4, .3, 300, 0},   {4, .4, 300, 0},
                       {5, .1, 30000, 1}, {5, .2, 30000, 0}, {5, .1, 30000, 2}, {5, .2, 30000, 0}};
  // Cells 3 and 4 record the population as the worker does (3.2e6 bits,
  // 100,000 float32 parameters); cell 5's trials leave it out.
  auto site = [](int cell, int faults) {
    return "weight:faults=" + std::to_string(faults) + ",elements=" + std::to_string(faults) +
           (cell == 5 ? std::string() : ",population=3200000");
  };
  int index = 0;
  for (const auto& t : weight_trials) {
    db.exec("INSERT INTO trial (cell_id, trial_index, input_index, outcome, site, accuracy, non_finite, fault_count, "
            "recorded_ms) VALUES (" + std::to_string(t.cell) + ", " + std::to_string(index++ % 4) +
            ", -1, 'masked_identical', '" + site(t.cell, t.faults) + "', " + std::to_string(t.accuracy) +
            ", " + std::to_string(t.non_finite) + ", " + std::to_string(t.faults) + ", " + std::to_string(kNowMs) + ")");
  }
  db.exec(
      "INSERT INTO input (id, model, dataset, input_index) VALUES (1, 'm', 'qa', 0), (2, 'm', 'qa', 1);"
      "INSERT INTO golden (input_id, protection, correct, steps, duration_seconds, first_token_seconds) VALUES"
      " (1, 'none', 1, 10, 1.0, 0.05), (1, 'ft2', 1, 10, 1.1, 0.11),"
      " (2, 'none', 1, 30, 3.0, 0.45), (2, 'ft2', 1, 30, 3.3, 0.66);");
  for (int i = 0; i < 10; ++i) {
    const std::string timing = i == 0 ? "5, 2.0, NULL" : i == 1 ? "5, 2.0, 0" : "NULL, NULL, NULL";
    db.exec("INSERT INTO input (id, model, dataset, input_index) VALUES (" + std::to_string(10 + i) + ", 'm', 'choice', " +
            std::to_string(i) + ");INSERT INTO golden (input_id, protection, correct, steps, duration_seconds, "
            "first_token_seconds) VALUES (" + std::to_string(10 + i) + ", 'none', " + (i < 8 ? "1" : "0") + ", " +
            timing + ")");
  }
  db.exec(
      "INSERT INTO worker (id, device, capacity, first_seen_ms, last_seen_ms, state) VALUES"
      " ('w1', 'cpu', 2, 0, " + std::to_string(kNowMs) + ", 'alive'), ('w2', 'cpu', 2, 0, 0, 'gone');"
      "INSERT INTO unit (cell_id, input_index, trial_begin, trial_end, state, issue_count) VALUES"
      " (1, 0, 0, 10, 'done', 1), (1, 1, 10, 20, 'done', 1), (2, 0, 0, 10, 'done', 1), (2, 1, 10, 20, 'done', 1),"
      " (3, -1, 0, 4, 'pending', 3), (4, -1, 0, 4, 'leased', 2);"
      "COMMIT");
}

}  // namespace beamline::testing
