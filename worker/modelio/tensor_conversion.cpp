#include "worker/modelio/tensor_conversion.h"

#include <ATen/ATen.h>

#include "common/error.h"

namespace beamline::modelio {
namespace {

// safetensors stores little-endian bytes; so does every host we build for.
static_assert(sizeof(float) == 4, "F32 tensors are read as 4-byte floats");

c10::ScalarType scalar_type_of(const SafetensorsTensorView& view, const std::string& file) {
  switch (view.dtype) {
    case SafetensorsDtype::F32: return c10::ScalarType::Float;
    case SafetensorsDtype::F16: return c10::ScalarType::Half;
    case SafetensorsDtype::BF16: return c10::ScalarType::BFloat16;
    default:
      fail_in_file(file, "tensor \"" + view.name + "\" has dtype " + to_string(view.dtype) +
                             ", expected " + weight_dtypes_text());
  }
}

}  // namespace

at::Tensor to_run_tensor(const SafetensorsTensorView& view, const std::string& file,
                         const Placement& placement) {
  const c10::ScalarType file_type = scalar_type_of(view, file);
  // from_blob never writes; the const_cast only satisfies its signature. The
  // mapping is read-only, so the view must not escape this function.
  const at::Tensor mapped = at::from_blob(const_cast<void*>(view.data), view.shape,
                                          at::TensorOptions().dtype(file_type).device(at::kCPU));
  if (placement.emulate_float16) {
    const at::Tensor half = file_type == c10::ScalarType::Half ? mapped : mapped.to(at::kHalf);
    return half.to(at::kFloat, /*non_blocking=*/false, /*copy=*/true);
  }
  return mapped.to(placement.device, placement.storage_dtype, /*non_blocking=*/false,
                   /*copy=*/true);
}

}  // namespace beamline::modelio
