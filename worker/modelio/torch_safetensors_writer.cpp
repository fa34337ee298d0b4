#include "worker/modelio/torch_safetensors_writer.h"

#include <ATen/ATen.h>

#include "common/error.h"
#include "worker/modelio/safetensors_writer.h"

namespace beamline::modelio {
namespace {

SafetensorsDtype file_dtype_of(const std::string& file, const std::string& name,
                               c10::ScalarType type) {
  switch (type) {
    case c10::ScalarType::Float: return SafetensorsDtype::F32;
    case c10::ScalarType::Half: return SafetensorsDtype::F16;
    case c10::ScalarType::BFloat16: return SafetensorsDtype::BF16;
    case c10::ScalarType::Double: return SafetensorsDtype::F64;
    case c10::ScalarType::Long: return SafetensorsDtype::I64;
    case c10::ScalarType::Int: return SafetensorsDtype::I32;
    case c10::ScalarType::Short: return SafetensorsDtype::I16;
    case c10::ScalarType::Char: return SafetensorsDtype::I8;
    case c10::ScalarType::Byte: return SafetensorsDtype::U8;
    case c10::ScalarType::Bool: return SafetensorsDtype::BOOL;
    default:
      fail_in_file(file, "tensor \"" + name + "\" has dtype " + std::string(c10::toString(type)) +
                             ", which safetensors writing does not support");
  }
}

// The CPU-contiguous copies must outlive the views pointing into them.
struct HostTensors {
  std::vector<at::Tensor> owners;
  std::vector<SafetensorsTensorView> views;
};

HostTensors to_host_views(const std::string& file, const NamedTensors& tensors) {
  HostTensors host;
  host.owners.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    if (!tensor.defined()) fail_in_file(file, "tensor \"" + name + "\" is undefined");
    const SafetensorsDtype dtype = file_dtype_of(file, name, tensor.scalar_type());
    at::Tensor contiguous = tensor.to(at::kCPU).contiguous();
    host.views.push_back(SafetensorsTensorView{
        name, dtype, contiguous.sizes().vec(), contiguous.data_ptr(),
        static_cast<size_t>(contiguous.numel()) * contiguous.element_size()});
    host.owners.push_back(std::move(contiguous));
  }
  return host;
}

}  // namespace

void write_safetensors(const std::string& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const HostTensors host = to_host_views(path, tensors);
  write_safetensors(path, host.views, metadata);
}

void write_checkpoint(const std::string& model_dir, const NamedTensors& tensors, int shard_count) {
  const HostTensors host = to_host_views(model_dir, tensors);
  write_checkpoint(model_dir, host.views, shard_count);
}

}  // namespace beamline::modelio
