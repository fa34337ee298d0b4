#include "common/error.h"

namespace beamline {

void fail_in_file(const std::string& file, const std::string& message) {
  throw Error(file + ": " + message);
}

}  // namespace beamline
