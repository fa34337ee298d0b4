#pragma once
// The report's tables, built from the database (the views of
// schema/migrations/0002_views.sql and 0004_first_token_time.sql). Each
// adds its tables to the report when options.by selects them (or is
// unset); a campaign without data of a kind gets no table of that kind.
#include "coordinator/report/report.h"
#include "coordinator/report/report_table.h"
#include "coordinator/store/sqlite_db.h"

namespace beamline::report {

// Transient campaigns: SDC per cell, per layer kind and block, layer
// criticality, bit positions, steps, the first token's share of fault
// sites and of generation time, SDC reduction per protection (exact
// McNemar) and protection overhead.
void add_transient_tables(store::Database& db, const ReportOptions& options, Report& report);

// Weight campaigns: accuracy per cell with relative change, AWRCL and the
// 50%-degradation threshold per curve, measured and analytic NaN rates.
void add_weight_tables(store::Database& db, const ReportOptions& options, Report& report);

// The first token's share of golden (fault-free) generation time per
// model x dataset x protection (the first_token_time view); part of the
// step view, after the share of fault sites at step 0.
void add_first_token_time_table(store::Database& db, Report& report);

// True when options.by is unset or one of the given views.
bool selected(const ReportOptions& options, ReportView view);

// Appends rate, low, high for k of n at the options' confidence and method
// (three missing values when n = 0).
void append_rate(std::vector<Value>& row, uint64_t k, uint64_t n, const ReportOptions& options);

// "95% wilson interval" for table notes.
std::string interval_name(const ReportOptions& options);

}  // namespace beamline::report
