#include "worker/modelio/safetensors_checkpoint.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "worker/modelio/json_file.h"
#include "worker/modelio/safetensors_writer.h"

namespace beamline::modelio {
namespace {

namespace fs = std::filesystem;

// Shard names are file names inside the model directory; anything that could
// point elsewhere is refused rather than followed.
bool is_plain_relative(const std::string& shard) {
  const fs::path path(shard);
  if (shard.empty() || path.is_absolute()) return false;
  for (const auto& part : path) {
    if (part == "..") return false;
  }
  return true;
}

}  // namespace

SafetensorsCheckpoint::SafetensorsCheckpoint(const std::string& model_dir) {
  if (!fs::is_directory(model_dir)) fail_in_file(model_dir, "not a directory");
  const std::string single = (fs::path(model_dir) / kSingleCheckpointFile).string();
  const std::string index = (fs::path(model_dir) / kCheckpointIndexFile).string();
  if (fs::exists(single)) {
    open_single(single);
  } else if (fs::exists(index)) {
    open_sharded(model_dir, index);
  } else {
    std::string message = std::string("no ") + kSingleCheckpointFile + " or " +
                          kCheckpointIndexFile + " (only safetensors checkpoints are supported";
    if (fs::exists(fs::path(model_dir) / "pytorch_model.bin")) {
      message += "; pytorch_model.bin must be converted to safetensors first";
    }
    fail_in_file(model_dir, message + ")");
  }
}

void SafetensorsCheckpoint::open_single(const std::string& path) {
  description_path_ = path;
  files_.push_back(std::make_unique<SafetensorsFile>(path));
  for (const auto& view : files_.back()->tensors()) {
    locations_[view.name] = Location{files_.back().get(), &view};
  }
}

void SafetensorsCheckpoint::open_sharded(const std::string& model_dir,
                                         const std::string& index_path) {
  description_path_ = index_path;
  const nlohmann::json index = read_json_file(index_path);
  if (!index.is_object()) fail_in_file(index_path, "must be a JSON object");
  const auto weight_map = index.find("weight_map");
  if (weight_map == index.end() || !weight_map->is_object()) {
    fail_in_file(index_path, "field \"weight_map\" must be an object {tensor name: shard file}");
  }
  if (weight_map->empty()) fail_in_file(index_path, "field \"weight_map\" is empty");

  std::map<std::string, const SafetensorsFile*> shard_by_name;
  for (const auto& [tensor_name, shard_value] : weight_map->items()) {
    if (!shard_value.is_string()) {
      fail_in_file(index_path, "weight_map entry \"" + tensor_name +
                                   "\" must be a shard file name (string), got " +
                                   shard_value.type_name());
    }
    const auto shard = shard_value.get<std::string>();
    if (!is_plain_relative(shard)) {
      fail_in_file(index_path, "weight_map entry \"" + tensor_name + "\" names shard \"" + shard +
                                   "\", which is not a file inside the model directory");
    }
    auto found = shard_by_name.find(shard);
    if (found == shard_by_name.end()) {
      const std::string shard_path = (fs::path(model_dir) / shard).string();
      if (!fs::exists(shard_path)) {
        fail_in_file(index_path, "weight_map puts tensor \"" + tensor_name + "\" in shard \"" +
                                     shard + "\", which does not exist");
      }
      files_.push_back(std::make_unique<SafetensorsFile>(shard_path));
      found = shard_by_name.emplace(shard, files_.back().get()).first;
    }
    const SafetensorsFile* file = found->second;
    if (!file->contains(tensor_name)) {
      fail_in_file(index_path, "weight_map puts tensor \"" + tensor_name + "\" in shard \"" +
                                   shard + "\", but that shard has no such tensor");
    }
    locations_[tensor_name] = Location{file, &file->tensor(tensor_name)};
  }
}

std::vector<std::string> SafetensorsCheckpoint::tensor_names() const {
  std::vector<std::string> names;
  names.reserve(locations_.size());
  for (const auto& entry : locations_) names.push_back(entry.first);
  return names;
}

bool SafetensorsCheckpoint::contains(const std::string& name) const {
  return locations_.count(name) != 0;
}

const SafetensorsTensorView& SafetensorsCheckpoint::tensor(const std::string& name) const {
  const auto it = locations_.find(name);
  if (it == locations_.end()) fail_in_file(description_path_, "has no tensor \"" + name + "\"");
  return *it->second.view;
}

const std::string& SafetensorsCheckpoint::file_of(const std::string& name) const {
  const auto it = locations_.find(name);
  if (it == locations_.end()) fail_in_file(description_path_, "has no tensor \"" + name + "\"");
  return it->second.file->path();
}

}  // namespace beamline::modelio
