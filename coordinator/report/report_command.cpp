#include "coordinator/report/report_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "common/stats/interval.h"
#include "coordinator/http/serve_command.h"
#include "coordinator/report/report.h"

namespace beamline::report {
namespace {

struct ReportArgs {
  std::string db;
  std::string format = "table";
  std::string by;
  double confidence = 0.95;
  std::string method = "wilson";
};

void run_report(const ReportArgs& args) {
  ReportOptions options;
  options.format = parse_report_format(args.format);
  if (!args.by.empty()) options.by = parse_report_view(args.by);
  options.confidence = args.confidence;
  options.method = stats::parse_interval_method(args.method);
  write_report(args.db, options, std::cout);
}

}  // namespace

void add_commands(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* command = app.add_subcommand("report", "Rates with confidence intervals from a campaign database");
  command->add_option("db", args->db, "The campaign's SQLite database")->required();
  command->add_option("--format", args->format, "table, csv, json or markdown")->capture_default_str();
  command->add_option("--by", args->by, "Only one part: cell, layer, bit, step, protection or weight (default: all)");
  command->add_option("--confidence", args->confidence, "Confidence level of every interval, in (0, 1)")
      ->capture_default_str();
  command->add_option("--method", args->method, "wilson (score) or exact (Clopper-Pearson)")->capture_default_str();
  command->callback([args] { run_report(*args); });
  http::add_serve_command(app);
}

}  // namespace beamline::report
