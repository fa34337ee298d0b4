#include "tests/coordinator/http/headless_chromium.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <regex>

namespace beamline::testing {

bool chromium_available() { return std::system("command -v chromium > /dev/null") == 0; }

std::string dump_dom(const std::string& url, const std::filesystem::path& work_dir, int virtual_time_ms) {
  // The flags a container without a GPU, a sandbox or a large /dev/shm needs.
  const std::string command = "chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
                              "--no-first-run --user-data-dir=" + (work_dir / "profile").string() +
                              " --virtual-time-budget=" + std::to_string(virtual_time_ms) + " --dump-dom '" + url +
                              "' 2> " + (work_dir / "chromium.log").string();
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return output;
  std::array<char, 4096> buffer{};
  size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), read);
  pclose(pipe);
  return output;
}

std::string attribute_of(const std::string& dom, const std::string& element_id, const std::string& attribute) {
  const std::regex tag("<[^>]*id=\"" + element_id + "\"[^>]*>");
  std::smatch match;
  if (!std::regex_search(dom, match, tag)) return "";
  const std::string element = match.str();
  const std::regex value(attribute + "=\"([^\"]*)\"");
  return std::regex_search(element, match, value) ? match[1].str() : "";
}

}  // namespace beamline::testing
