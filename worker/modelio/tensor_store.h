#pragma once
// The loaded weights of one model: tensor name (as in the safetensors files)
// -> tensor already converted to the run dtype and placed on the run device.
// Architectures take what they need by name; a missing tensor or a wrong
// shape is a beamline::Error naming the tensor, the file it came from and the
// expected shape.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace beamline::modelio {

class TensorStore {
 public:
  void add(const std::string& name, at::Tensor tensor, std::string source_file);
  bool contains(const std::string& name) const;
  // Returns the tensor after checking its shape; throws beamline::Error.
  at::Tensor get(const std::string& name, const std::vector<int64_t>& expected_shape) const;
  std::vector<std::string> names() const;
  size_t size() const { return tensors_.size(); }

 private:
  struct Entry {
    at::Tensor tensor;
    std::string source_file;
  };
  std::map<std::string, Entry> tensors_;
};

}  // namespace beamline::modelio
