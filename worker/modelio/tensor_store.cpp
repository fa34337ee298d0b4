#include "worker/modelio/tensor_store.h"

#include <utility>

#include "common/error.h"
#include "worker/modelio/shape_text.h"

namespace beamline::modelio {

void TensorStore::add(const std::string& name, at::Tensor tensor, std::string source_file) {
  if (!tensors_.emplace(name, Entry{std::move(tensor), source_file}).second) {
    fail_in_file(source_file, "tensor \"" + name + "\" appears twice in the checkpoint");
  }
}

bool TensorStore::contains(const std::string& name) const { return tensors_.count(name) != 0; }

const TensorStore::Entry& TensorStore::entry(const std::string& name,
                                             const std::vector<int64_t>* expected_shape) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) {
    std::string message = "has no tensor \"" + name + "\"";
    if (expected_shape != nullptr) message += " (expected shape " + shape_text(*expected_shape) + ")";
    fail_in_file(origin_, message);
  }
  return it->second;
}

at::Tensor TensorStore::get(const std::string& name,
                            const std::vector<int64_t>& expected_shape) const {
  const Entry& found = entry(name, &expected_shape);
  const auto actual = found.tensor.sizes().vec();
  if (actual != expected_shape) {
    fail_in_file(found.source_file, "tensor \"" + name + "\" has shape " + shape_text(actual) +
                                        ", expected " + shape_text(expected_shape));
  }
  return found.tensor;
}

at::Tensor TensorStore::get(const std::string& name) const { return entry(name, nullptr).tensor; }

const std::string& TensorStore::source_file(const std::string& name) const {
  return entry(name, nullptr).source_file;
}

std::vector<std::string> TensorStore::names() const {
  std::vector<std::string> result;
  result.reserve(tensors_.size());
  for (const auto& item : tensors_) result.push_back(item.first);
  return result;
}

}  // namespace beamline::modelio
