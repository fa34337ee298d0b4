#pragma once
// The dashboard's files: a request path mapped into the dashboard folder,
// never outside it.
#include <optional>
#include <string>

namespace beamline::http {

struct StaticFile {
  std::string body;
  std::string content_type;
};

// "/" is index.html. None for a path that leaves the folder ("..", a
// backslash, an absolute path), names no regular file, or cannot be read.
std::optional<StaticFile> read_static_file(const std::string& dashboard_dir, const std::string& request_path);

// By extension: html, js, css, json, svg, png, txt; else octet-stream.
std::string content_type_for(const std::string& path);

}  // namespace beamline::http
