#include "worker/training/cpu_kernels.h"

#include <ATen/Version.h>

#include <cstdlib>
#include <sstream>

#include "worker/runtime/compute_threads.h"

namespace beamline::training {

CpuKernels cpu_kernels() {
  CpuKernels k;
  k.blas_core = runtime::blas_core();
  k.cpu_capability = "unknown";
  std::istringstream config(at::show_config());
  const std::string key = "CPU capability usage: ";
  for (std::string line; std::getline(config, line);) {
    const auto at = line.find(key);
    if (at != std::string::npos) k.cpu_capability = line.substr(at + key.size());
  }
  k.pinned = std::getenv("OPENBLAS_CORETYPE") != nullptr && std::getenv("ATEN_CPU_CAPABILITY") != nullptr;
  return k;
}

}  // namespace beamline::training
