#include "worker/modelio/json_file.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.h"

namespace beamline::modelio {

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_in_file(path, "cannot open (missing or unreadable)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    fail_in_file(path, std::string("not valid JSON: ") + error.what());
  }
}

void write_json_file(const std::string& path, const nlohmann::json& value) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail_in_file(path, "cannot open for writing");
  out << value.dump(2) << '\n';
  out.flush();
  if (!out) fail_in_file(path, "write failed");
}

}  // namespace beamline::modelio
