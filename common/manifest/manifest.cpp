#include "common/manifest/manifest.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "common/error.h"
#include "common/manifest/file_digest.h"

namespace beamline::manifest {
namespace fs = std::filesystem;
namespace {

// Relative paths as the campaign writes them; absolute ones stay absolute
// (then every machine must have the file at that path).
void add_file(wire::Manifest& manifest, std::set<std::string>& seen, const std::string& root,
              const std::string& relative) {
  if (!seen.insert(relative).second) return;
  const fs::path full = fs::path(root) / relative;
  const auto digest = digest_file(full.string());
  auto* file = manifest.add_files();
  file->set_path(relative);
  file->set_digest(digest.digest);
  file->set_size(digest.size);
}

void add_directory(wire::Manifest& manifest, std::set<std::string>& seen, const std::string& root,
                   const std::string& relative, const std::string& what) {
  const fs::path full = fs::path(root) / relative;
  std::error_code error;
  if (!fs::is_directory(full, error)) {
    throw Error(fmt::format("{}: {} directory not found (campaign root {}); the coordinator digests every model "
                            "file for the workers' manifest",
                            full.string(), what, root));
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(full)) {
    if (entry.is_regular_file()) files.push_back((fs::path(relative) / fs::relative(entry.path(), full)).string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) add_file(manifest, seen, root, file);
}

struct CacheKey {
  std::string path;
  uintmax_t size;
  fs::file_time_type::rep mtime;
  bool operator<(const CacheKey& other) const {
    return std::tie(path, size, mtime) < std::tie(other.path, other.size, other.mtime);
  }
};

std::string cached_digest(const fs::path& path) {
  static std::mutex mutex;
  static std::map<CacheKey, std::string> cache;
  const CacheKey key{fs::absolute(path).string(), fs::file_size(path), fs::last_write_time(path).time_since_epoch().count()};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  auto digest = digest_file(path.string()).digest;
  std::lock_guard<std::mutex> lock(mutex);
  cache[key] = digest;
  return digest;
}

}  // namespace

std::string campaign_root(const campaign::CampaignSpec& spec) {
  const fs::path file(spec.source_path);
  return (file.parent_path() / spec.root).lexically_normal().string();
}

wire::Manifest build_manifest(const campaign::CampaignSource& source, const campaign::CampaignSpec& spec,
                              const std::string& root) {
  wire::Manifest manifest;
  manifest.set_campaign_name(spec.name);
  manifest.set_campaign_hash(source.hash);
  manifest.set_seed(spec.seed);
  manifest.set_campaign_toml(source.text);
  std::set<std::string> seen;
  for (const auto& model : spec.models) {
    if (model.kind != campaign::ModelKind::hf) continue;
    add_directory(manifest, seen, root, model.path, fmt::format("model '{}'", model.name));
    for (const auto& protection : spec.protections) {
      if (campaign::needs_offline_bounds(protection.kind)) {
        add_file(manifest, seen, root, protection.bounds_for(model.name));
      }
    }
  }
  const bool any_hf = std::any_of(spec.models.begin(), spec.models.end(),
                                  [](const auto& m) { return m.kind == campaign::ModelKind::hf; });
  for (const auto& dataset : spec.datasets) {
    if (any_hf && !dataset.path.empty()) add_file(manifest, seen, root, dataset.path);
  }
  return manifest;
}

std::optional<std::string> verify_manifest(const wire::Manifest& manifest, const std::string& root) {
  for (const auto& file : manifest.files()) {
    const fs::path full = fs::path(root) / file.path();
    std::error_code error;
    if (!fs::is_regular_file(full, error)) {
      return fmt::format("{}: missing under model root {} (the campaign '{}' needs it)", file.path(), root,
                         manifest.campaign_name());
    }
    const auto size = fs::file_size(full, error);
    if (error || size != file.size()) {
      return fmt::format("{}: {} bytes under model root {}, the coordinator's has {}", file.path(),
                         error ? 0 : size, root, file.size());
    }
    std::string digest;
    try {
      digest = cached_digest(full);
    } catch (const Error& e) {
      return e.what();
    }
    if (digest != file.digest()) {
      return fmt::format("{}: {} under model root {}, the coordinator's is {}", file.path(), digest, root,
                         file.digest());
    }
  }
  return std::nullopt;
}

}  // namespace beamline::manifest
