#include "coordinator/http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace beamline::http {

std::string content_type_for(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json") return "application/json";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".txt" || extension == ".md") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<StaticFile> read_static_file(const std::string& dashboard_dir, const std::string& request_path) {
  std::string relative = request_path.substr(0, request_path.find_first_of("?#"));
  if (relative.empty() || relative.front() != '/') return std::nullopt;
  relative.erase(0, 1);
  if (relative.empty()) relative = "index.html";
  if (relative.find('\\') != std::string::npos || relative.find('\0') != std::string::npos) return std::nullopt;
  const std::filesystem::path path(relative);
  for (const auto& part : path) {
    if (part == ".." || part == ".") return std::nullopt;
  }
  if (path.is_absolute()) return std::nullopt;
  const std::filesystem::path full = std::filesystem::path(dashboard_dir) / path;
  std::error_code error;
  if (!std::filesystem::is_regular_file(full, error)) return std::nullopt;
  std::ifstream in(full, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  return StaticFile{body.str(), content_type_for(full.string())};
}

}  // namespace beamline::http
