#pragma once
// `beamline report`: every number from the database, every rate with its
// interval. The public entry point: the coordinator's `run` calls
// write_report at the end of a campaign; the CLI (report_command.cpp)
// parses the options into ReportOptions.
//
// The database is opened read-only (a report never writes, and may run
// while the coordinator does: WAL). A missing file, a file that is not a
// beamline database or one older than the report views (schema version 2)
// is a beamline::Error naming the file.
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "common/stats/interval.h"

namespace beamline::report {

enum class ReportFormat { table, csv, json, markdown };

// Which part of the report: cell (SDC rate per cell, weight accuracy per
// cell), layer (per layer kind, per block, layer criticality), bit (bit
// position profile), step (generation step, the first token's share of
// fault sites and of golden generation time),
// protection (SDC reduction with McNemar, overhead), weight (accuracy
// curves: relative change, AWRCL, 50% threshold, NaN rate). Unset: all.
enum class ReportView { cell, layer, bit, step, protection, weight };

struct ReportOptions {
  ReportFormat format = ReportFormat::table;
  std::optional<ReportView> by;
  double confidence = 0.95;
  stats::IntervalMethod method = stats::IntervalMethod::wilson;
};

// Writes the report of the campaign in db_path to out. Throws
// beamline::Error for a missing or foreign database or bad options.
void write_report(const std::string& db_path, const ReportOptions& options, std::ostream& out);

// Names as the CLI spells them; parse_* throw beamline::Error listing the
// accepted names.
ReportFormat parse_report_format(std::string_view name);
ReportView parse_report_view(std::string_view name);
std::string to_string(ReportFormat format);
std::string to_string(ReportView view);

}  // namespace beamline::report
