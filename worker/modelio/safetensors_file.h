#pragma once
// One .safetensors file read through mmap: an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__":
// {...}}, then the raw tensor bytes. Everything in the header is validated
// when the file is opened, so a view handed out is always inside the file and
// its byte size matches its shape and dtype. No LibTorch here.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "worker/modelio/mapped_file.h"
#include "worker/modelio/safetensors_dtype.h"

namespace beamline::modelio {

// Points into the mapping of the SafetensorsFile it came from; valid while
// that file object lives. The bytes are little-endian as stored.
struct SafetensorsTensorView {
  std::string name;
  SafetensorsDtype dtype = SafetensorsDtype::F32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t byte_size = 0;

  int64_t numel() const;
};

class SafetensorsFile {
 public:
  // Maps and validates the file; throws beamline::Error naming the path and,
  // where there is one, the tensor and header field at fault.
  explicit SafetensorsFile(const std::string& path);

  const std::string& path() const { return mapped_.path(); }
  // Sorted by name.
  const std::vector<SafetensorsTensorView>& tensors() const { return tensors_; }
  bool contains(const std::string& name) const;
  // Throws beamline::Error naming the file when the tensor is absent.
  const SafetensorsTensorView& tensor(const std::string& name) const;
  // The string entries of "__metadata__" (the format allows only strings;
  // anything else there is ignored, as the metadata never affects loading).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  MappedFile mapped_;
  std::vector<SafetensorsTensorView> tensors_;
  std::map<std::string, size_t> index_by_name_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace beamline::modelio
