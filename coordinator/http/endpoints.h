#pragma once
// What the HTTP endpoint answers, from the database alone (no server
// state), so the same numbers come from a live coordinator and from
// `beamline serve` on a finished campaign. Each function runs a few
// read-only queries on the given connection.
#include <cstdint>
#include <string>

#include "coordinator/store/sqlite_db.h"

namespace beamline::http {

// Window over which /metrics and /api/status compute results per second.
inline constexpr int64_t kThroughputWindowMs = 60'000;

// Prometheus text exposition format 0.0.4: campaign progress (trials
// planned, done, pending), per-cell trial counts by outcome and the 95%
// Wilson bounds of each transient cell's SDC rate, units by state, workers
// alive, results per second, reissued leases.
std::string metrics_text(store::Database& db, int64_t now_ms);

// {"campaign", "complete", "planned", "done", "pending", "sdc", "due",
//  "units": {...}, "workers_alive", "workers": [...], "results_per_second",
//  "reissued_leases", "throughput": {"bucket_ms", "points": [[t_ms, n]]}}
std::string status_json(store::Database& db, int64_t now_ms);

// One object per cell: its factors, counts, sdc_rate with the 95% Wilson
// interval; weight cells also accuracy with its interval.
std::string cells_json(store::Database& db);

// SDC rate with its 95% Wilson interval per (protection, layer kind),
// pooled over the transient cells.
std::string layers_json(store::Database& db);

}  // namespace beamline::http
