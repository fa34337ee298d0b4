// Device strings and dtype decisions. is_emulated_float16() and
// parse_run_options() (declared in run_options.h) live here too, because both
// depend on what a device string means.
#include "worker/modelio/device.h"

#include <torch/cuda.h>

#include <cctype>

#include "common/error.h"

namespace beamline::modelio {
namespace {

constexpr const char* kCudaPrefix = "cuda:";

[[noreturn]] void fail_device(const std::string& text) {
  throw Error("--device: \"" + text + "\" is not a device (expected cpu or cuda:N)");
}

bool all_digits(const std::string& text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

c10::Device parse_device(const std::string& text) {
  if (text == "cpu") return c10::Device(c10::DeviceType::CPU);
  if (text == "cuda") return c10::Device(c10::DeviceType::CUDA, 0);
  const std::string prefix = kCudaPrefix;
  if (text.compare(0, prefix.size(), prefix) != 0) fail_device(text);
  const std::string index = text.substr(prefix.size());
  // c10::DeviceIndex is int8_t: anything longer than two digits cannot fit.
  if (!all_digits(index) || index.size() > 2) fail_device(text);
  return c10::Device(c10::DeviceType::CUDA, static_cast<c10::DeviceIndex>(std::stoi(index)));
}

bool is_emulated_float16(const RunOptions& options) {
  return options.dtype == RunDtype::float16 && parse_device(options.device).is_cpu();
}

RunOptions parse_run_options(const std::string& dtype_text, const std::string& device_text) {
  RunOptions options;
  options.dtype = parse_run_dtype(dtype_text);
  parse_device(device_text);
  options.device = device_text;
  return options;
}

Placement resolve_placement(const RunOptions& options) {
  Placement placement;
  placement.device = parse_device(options.device);
  if (placement.device.is_cuda()) {
    if (!torch::cuda::is_available()) {
      throw Error("--device " + options.device +
                  ": CUDA is not available (this LibTorch is a CPU build or no GPU/driver "
                  "is visible); use --device cpu");
    }
    const auto count = static_cast<int64_t>(torch::cuda::device_count());
    if (placement.device.index() >= count) {
      throw Error("--device " + options.device + ": only " + std::to_string(count) +
                  " CUDA device(s) visible (cuda:0 .. cuda:" + std::to_string(count - 1) + ")");
    }
  }
  switch (options.dtype) {
    case RunDtype::float32:
      placement.storage_dtype = placement.compute_dtype = c10::ScalarType::Float;
      break;
    case RunDtype::bfloat16:
      placement.storage_dtype = placement.compute_dtype = c10::ScalarType::BFloat16;
      break;
    case RunDtype::float16:
      // LibTorch 1.13's CPU build has no half matmul/softmax/layer norm.
      placement.emulate_float16 = placement.device.is_cpu();
      placement.storage_dtype = placement.compute_dtype =
          placement.emulate_float16 ? c10::ScalarType::Float : c10::ScalarType::Half;
      break;
  }
  return placement;
}

}  // namespace beamline::modelio
