#pragma once
// A blocking HTTP/1.1 GET for the endpoint tests (Boost.Beast).
#include <string>

namespace beamline::testing {

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Throws boost::system::system_error when nothing listens on the port or
// the exchange takes longer than a minute.
HttpReply http_request(unsigned short port, const std::string& target, const std::string& method = "GET");

}  // namespace beamline::testing
