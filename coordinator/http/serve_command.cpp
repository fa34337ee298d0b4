#include "coordinator/http/serve_command.h"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <csignal>
#include <memory>
#include <string>

#include "coordinator/http/http_server.h"
#include "coordinator/report/report_db.h"

namespace beamline::http {
namespace {

struct ServeArgs {
  std::string db;
  std::string http = "127.0.0.1:8080";
  std::string dashboard = default_dashboard_dir();
};

void run_serve(const ServeArgs& args) {
  report::open_report_database(args.db);  // a clear error now rather than 503s later
  // Block SIGINT/SIGTERM before the server thread starts, so they reach
  // sigwait here and the server stops cleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  HttpServer server(args.http, args.db, args.dashboard, Announce::quiet);
  server.start();
  const std::string host = args.http.substr(0, args.http.rfind(':'));
  // The line scripts and tests read to learn the port (0 picks one).
  fmt::print("serving {} at http://{}:{}/\n", args.db, host, server.port());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command = app.add_subcommand(
      "serve", "Serve /metrics, /api/* and the dashboard for a campaign database until interrupted");
  command->add_option("--db", args->db, "The campaign's SQLite database")->required();
  command->add_option("--http", args->http, "HOST:PORT to listen on (loopback unless told otherwise; port 0: any)")
      ->capture_default_str();
  command->add_option("--dashboard", args->dashboard, "Folder of the dashboard's files")->capture_default_str();
  command->callback([args] { run_serve(*args); });
}

}  // namespace beamline::http
