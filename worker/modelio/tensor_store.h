#pragma once
// The loaded weights of one model: tensor name (as in the safetensors files)
// -> tensor already converted to the run dtype and placed on the run device.
// Architectures take what they need by name; a missing tensor or a wrong
// shape is a beamline::Error naming the tensor, the file it came from and the
// expected shape.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <utility>
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

  // The tensor as stored, without a shape check (model-info, weight faults).
  // The returned tensor shares storage with the store's. Throws beamline::Error.
  at::Tensor get(const std::string& name) const;
  // The file the tensor was read from; throws beamline::Error when absent.
  const std::string& source_file(const std::string& name) const;
  // What errors about a missing tensor name as its place (the checkpoint's
  // model.safetensors or index path); set by load_weights().
  void set_origin(std::string origin) { origin_ = std::move(origin); }
  const std::string& origin() const { return origin_; }

 private:
  struct Entry {
    at::Tensor tensor;
    std::string source_file;
  };
  const Entry& entry(const std::string& name, const std::vector<int64_t>* expected_shape) const;

  std::map<std::string, Entry> tensors_;
  std::string origin_ = "model checkpoint";
};

}  // namespace beamline::modelio
