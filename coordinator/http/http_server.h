#pragma once
// The coordinator's HTTP endpoint (Boost.Beast on Boost.Asio): /metrics in
// Prometheus text format, /api/status and /api/cells as JSON, and the
// dashboard (dashboard_dir/index.html and its static files) at /.
//
// What must stay true: it only reads. It runs in its own thread with its
// own read-only SQLite connection (WAL lets it read while the coordinator
// writes), so a slow client or a slow query never blocks the coordinator's
// ZeroMQ loop. Everything it shows comes from the database: it keeps no
// state of its own and works the same on a finished campaign
// (`beamline serve`).
#include <cstdint>
#include <memory>
#include <string>

namespace beamline::http {

// Whether start() writes "http: serving DB at http://HOST:PORT/" to stderr
// (whatever the log level: with port 0 it is the only way to learn the
// port; scripts and tests read it). `beamline serve` prints its own line on
// stdout and asks for quiet.
enum class Announce { on_stderr, quiet };

class HttpServer {
 public:
  // host_port: "HOST:PORT" ("127.0.0.1:8080"; port 0 picks a free port);
  // bind to a non-loopback address only when the user asks for it.
  HttpServer(std::string host_port, std::string db_path, std::string dashboard_dir,
             Announce announce = Announce::on_stderr);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving in a new thread. Throws beamline::Error for a
  // malformed HOST:PORT or an address that cannot be bound.
  void start();
  // Stops accepting, closes the connection and joins the thread; idempotent.
  void stop();

  // The port bound by start() (the one chosen when 0 was given).
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The dashboard folder of the source tree this binary was built from
// (dashboards/); `--dashboard DIR` overrides it.
std::string default_dashboard_dir();

}  // namespace beamline::http
