#include "coordinator/http/http_server.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "common/error.h"
#include "coordinator/http/endpoints.h"
#include "coordinator/http/static_files.h"
#include "coordinator/report/report_db.h"

namespace beamline::http {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Request = beast::http::request<beast::http::string_body>;
using Response = beast::http::response<beast::http::string_body>;

// A client that sends nothing for this long is disconnected.
constexpr std::chrono::seconds kIdleTimeout{30};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

tcp::endpoint parse_endpoint(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) {
    throw Error(fmt::format("--http: expected HOST:PORT (for example 127.0.0.1:8080), got '{}'", host_port));
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  const std::string port_text = host_port.substr(colon + 1);
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(port_text, &used);
    if (used != port_text.size() || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw Error(fmt::format("--http: the port must be a number from 0 to 65535, got '{}'", port_text));
  }
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) throw Error(fmt::format("--http: '{}' is not an IP address (use 127.0.0.1, 0.0.0.0 or ::1)", host));
  return {address, static_cast<uint16_t>(port)};
}

// Everything the server thread uses. Defined here rather than as Impl so
// the sessions below can name it.
struct ServerCore {
  std::string host_port, db_path, dashboard_dir;
  Announce announce = Announce::on_stderr;
  // Made by start() and destroyed by stop() after the thread is joined:
  // destroying it destroys every pending handler and so closes every
  // session's socket. Declared before the acceptor, which it outlives.
  std::unique_ptr<net::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;
  // Used only on the server thread; opened at the first request that needs
  // it (the coordinator may create the file after the server starts).
  std::unique_ptr<store::Database> db;
  uint16_t port = 0;
  bool running = false;

  store::Database& database() {
    if (!db) db = report::open_report_database(db_path);
    return *db;
  }

  Response respond(const Request& request) {
    Response response{beast::http::status::ok, request.version()};
    response.set(beast::http::field::server, "beamline");
    response.set(beast::http::field::cache_control, "no-store");
    auto reply = [&](beast::http::status status, std::string body, const std::string& type) {
      response.result(status);
      response.set(beast::http::field::content_type, type);
      response.body() = std::move(body);
      return response;
    };
    if (request.method() != beast::http::verb::get && request.method() != beast::http::verb::head) {
      return reply(beast::http::status::method_not_allowed, "only GET\n", "text/plain; charset=utf-8");
    }
    const std::string target(request.target());
    const std::string path = target.substr(0, target.find('?'));
    try {
      if (path == "/metrics") {
        return reply(beast::http::status::ok, metrics_text(database(), now_ms()), "text/plain; version=0.0.4; charset=utf-8");
      }
      if (path == "/api/status") return reply(beast::http::status::ok, status_json(database(), now_ms()), "application/json");
      if (path == "/api/cells") return reply(beast::http::status::ok, cells_json(database()), "application/json");
      if (path == "/api/layers") return reply(beast::http::status::ok, layers_json(database()), "application/json");
    } catch (const Error& e) {
      // The database is missing or not ready yet: say so, try again next time.
      db.reset();
      return reply(beast::http::status::service_unavailable, std::string(e.what()) + "\n", "text/plain; charset=utf-8");
    }
    if (auto file = read_static_file(dashboard_dir, path)) {
      return reply(beast::http::status::ok, std::move(file->body), file->content_type);
    }
    return reply(beast::http::status::not_found, "not found: " + path + "\n", "text/plain; charset=utf-8");
  }

  void accept();
};

// One connection: read a request, answer it, repeat while the client keeps
// the connection alive. Lives as long as a pending operation holds it.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerCore& server) : stream_(std::move(socket)), server_(server) {}

  void read() {
    request_ = {};
    stream_.expires_after(kIdleTimeout);
    beast::http::async_read(stream_, buffer_, request_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

 private:
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return close();
    Response response;
    try {
      response = server_.respond(request_);
    } catch (const std::exception& e) {
      spdlog::warn("http: {} failed: {}", std::string(request_.target()), e.what());
      response = Response{beast::http::status::internal_server_error, request_.version()};
      response.set(beast::http::field::content_type, "text/plain; charset=utf-8");
      response.body() = std::string("internal error: ") + e.what() + "\n";
    }
    response.keep_alive(request_.keep_alive());
    response.prepare_payload();
    if (request_.method() == beast::http::verb::head) response.body().clear();
    response_ = std::move(response);
    beast::http::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (!response_.keep_alive()) return close();
    read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Request request_;
  Response response_;
  ServerCore& server_;
};

void ServerCore::accept() {
  acceptor->async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), *this)->read();
    accept();
  });
}

}  // namespace

struct HttpServer::Impl : ServerCore {};

HttpServer::HttpServer(std::string host_port, std::string db_path, std::string dashboard_dir, Announce announce)
    : impl_(std::make_unique<Impl>()) {
  impl_->host_port = std::move(host_port);
  impl_->db_path = std::move(db_path);
  impl_->dashboard_dir = std::move(dashboard_dir);
  impl_->announce = announce;
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  if (impl_->running) return;
  const tcp::endpoint endpoint = parse_endpoint(impl_->host_port);
  beast::error_code ec;
  impl_->ioc = std::make_unique<net::io_context>(1);
  tcp::acceptor acceptor(*impl_->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw Error(fmt::format("--http {}: cannot listen: {}", impl_->host_port, ec.message()));
  impl_->port = acceptor.local_endpoint().port();
  impl_->acceptor.emplace(std::move(acceptor));
  impl_->accept();
  impl_->running = true;
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc->run(); });
  const std::string host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                      : endpoint.address().to_string();
  if (impl_->announce == Announce::on_stderr) {
    // One write, flushed: a reader waiting for the port sees the whole line.
    std::fputs(fmt::format("http: serving {} at http://{}:{}/\n", impl_->db_path, host, impl_->port).c_str(), stderr);
    std::fflush(stderr);
  } else {
    spdlog::info("http: serving {} at http://{}:{}/", impl_->db_path, host, impl_->port);
  }
}

void HttpServer::stop() {
  if (!impl_ || !impl_->running) return;
  impl_->ioc->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  // The server thread is gone: these objects are this thread's now.
  impl_->acceptor.reset();
  impl_->ioc.reset();
  impl_->db.reset();
  impl_->running = false;
}

uint16_t HttpServer::port() const { return impl_->port; }

std::string default_dashboard_dir() { return BEAMLINE_DASHBOARD_DIR; }

}  // namespace beamline::http
