#include "worker/modelio/safetensors_writer.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.h"
#include "worker/modelio/json_file.h"
#include "worker/modelio/shape_text.h"

namespace beamline::modelio {
namespace {

constexpr size_t kHeaderAlignment = 8;

void check_tensor(const std::string& path, const SafetensorsTensorView& tensor) {
  if (tensor.name == "__metadata__") fail_in_file(path, "\"__metadata__\" is not a tensor name");
  uint64_t needed = element_size(tensor.dtype);
  for (const int64_t dim : tensor.shape) {
    if (dim < 0) fail_in_file(path, "tensor \"" + tensor.name + "\" has a negative dimension");
    needed *= static_cast<uint64_t>(dim);
  }
  if (needed != tensor.byte_size) {
    fail_in_file(path, "tensor \"" + tensor.name + "\" with shape " + shape_text(tensor.shape) +
                           " and dtype " + to_string(tensor.dtype) + " needs " +
                           std::to_string(needed) + " bytes, got " +
                           std::to_string(tensor.byte_size));
  }
  if (tensor.byte_size > 0 && tensor.data == nullptr) {
    fail_in_file(path, "tensor \"" + tensor.name + "\" has no data");
  }
}

std::string shard_file_name(int index, int count) {
  char name[64];
  std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", index, count);
  return name;
}

}  // namespace

void write_safetensors(const std::string& path, const std::vector<SafetensorsTensorView>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::set<std::string> names;
  for (const auto& tensor : tensors) {
    check_tensor(path, tensor);
    if (!names.insert(tensor.name).second) {
      fail_in_file(path, "tensor \"" + tensor.name + "\" given twice");
    }
  }

  // Larger elements first keeps every offset aligned to its element size.
  std::vector<const SafetensorsTensorView*> order;
  for (const auto& tensor : tensors) order.push_back(&tensor);
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    const size_t size_a = element_size(a->dtype);
    const size_t size_b = element_size(b->dtype);
    return size_a != size_b ? size_a > size_b : a->name < b->name;
  });

  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto* tensor : order) {
    header[tensor->name] = {{"dtype", to_string(tensor->dtype)},
                            {"shape", tensor->shape},
                            {"data_offsets", {offset, offset + tensor->byte_size}}};
    offset += tensor->byte_size;
  }
  std::string header_text = header.dump();
  header_text.append((kHeaderAlignment - header_text.size() % kHeaderAlignment) % kHeaderAlignment,
                     ' ');

  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) fail_in_file(temporary, "cannot open for writing");
    uint64_t length = header_text.size();
    unsigned char length_bytes[8];
    for (size_t i = 0; i < sizeof length_bytes; ++i) {
      length_bytes[i] = static_cast<unsigned char>(length >> (8 * i));
    }
    out.write(reinterpret_cast<const char*>(length_bytes), sizeof length_bytes);
    out.write(header_text.data(), static_cast<std::streamsize>(header_text.size()));
    for (const auto* tensor : order) {
      out.write(static_cast<const char*>(tensor->data),
                static_cast<std::streamsize>(tensor->byte_size));
    }
    out.flush();
    if (!out) fail_in_file(temporary, "write failed");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    fail_in_file(path, "cannot rename " + temporary + " to it");
  }
}

void write_safetensors_index(const std::string& model_dir,
                             const std::map<std::string, std::string>& weight_map,
                             uint64_t total_size) {
  const nlohmann::json index = {{"metadata", {{"total_size", total_size}}},
                                {"weight_map", weight_map}};
  write_json_file(model_dir + "/" + kCheckpointIndexFile, index);
}

void write_checkpoint(const std::string& model_dir, const std::vector<SafetensorsTensorView>& tensors,
                      int shard_count) {
  if (shard_count < 1) fail_in_file(model_dir, "shard count must be at least 1");
  const std::map<std::string, std::string> format_metadata{{"format", "pt"}};
  if (shard_count == 1) {
    write_safetensors(model_dir + "/" + kSingleCheckpointFile, tensors, format_metadata);
    return;
  }
  std::vector<SafetensorsTensorView> sorted = tensors;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::map<std::string, std::string> weight_map;
  uint64_t total_size = 0;
  const size_t count = static_cast<size_t>(shard_count);
  for (size_t shard = 0; shard < count; ++shard) {
    const size_t begin = sorted.size() * shard / count;
    const size_t end = sorted.size() * (shard + 1) / count;
    const std::vector<SafetensorsTensorView> part(sorted.begin() + static_cast<std::ptrdiff_t>(begin),
                                                  sorted.begin() + static_cast<std::ptrdiff_t>(end));
    const std::string file = shard_file_name(static_cast<int>(shard) + 1, shard_count);
    write_safetensors(model_dir + "/" + file, part, format_metadata);
    for (const auto& tensor : part) {
      weight_map[tensor.name] = file;
      total_size += tensor.byte_size;
    }
  }
  write_safetensors_index(model_dir, weight_map, total_size);
}

}  // namespace beamline::modelio
