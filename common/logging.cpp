#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/error.h"

namespace beamline {

void init_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("beamline");
  logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw Error("--log-level: expected trace, debug, info, warn, error or off, got '" + level + "'");
  }
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
}

}  // namespace beamline
