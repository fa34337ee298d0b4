#pragma once
// All safetensors files of a model directory seen as one set of named
// tensors: DIR/model.safetensors, or the shards listed by
// DIR/model.safetensors.index.json ("weight_map": tensor name -> shard file).
// Every file is mapped and validated on open; with an index, every shard must
// exist and hold every tensor mapped to it. No LibTorch here.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "worker/modelio/safetensors_file.h"

namespace beamline::modelio {

class SafetensorsCheckpoint {
 public:
  // Prefers model.safetensors when both it and an index exist (as
  // transformers does). Throws beamline::Error naming the file at fault.
  explicit SafetensorsCheckpoint(const std::string& model_dir);

  // Sorted by name.
  std::vector<std::string> tensor_names() const;
  bool contains(const std::string& name) const;
  // Throws beamline::Error naming the checkpoint when the tensor is absent.
  const SafetensorsTensorView& tensor(const std::string& name) const;
  // The path of the file holding the tensor.
  const std::string& file_of(const std::string& name) const;
  const std::vector<std::unique_ptr<SafetensorsFile>>& files() const { return files_; }
  // model.safetensors or the index: what error messages name for the whole set.
  const std::string& description_path() const { return description_path_; }

 private:
  struct Location {
    const SafetensorsFile* file;
    const SafetensorsTensorView* view;
  };
  void open_single(const std::string& path);
  void open_sharded(const std::string& model_dir, const std::string& index_path);

  std::string description_path_;
  // unique_ptr: locations_ points into the files, so they must not move.
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, Location> locations_;
};

}  // namespace beamline::modelio
