#include "tests/coordinator/http/http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>

namespace beamline::testing {

HttpReply http_request(unsigned short port, const std::string& target, const std::string& method) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(method == "HEAD");  // a HEAD response has a length but no body
  // Asynchronous only because beast's timeouts apply to asynchronous
  // operations: a deadline only to fail, so a server that stops answering
  // fails the test (beast::error::timeout) instead of hanging it.
  stream.expires_after(std::chrono::seconds(60));
  beast::error_code failure;
  stream.async_connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) {
          failure = ec;
          return;
        }
        http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
          if (ec) {
            failure = ec;
            return;
          }
          http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { failure = ec; });
        });
      });
  ioc.run();
  if (failure) throw boost::system::system_error(failure, target);
  const auto& response = parser.get();
  beast::error_code ignored;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  return {static_cast<int>(response.result_int()), std::string(response[http::field::content_type]), response.body()};
}

}  // namespace beamline::testing
