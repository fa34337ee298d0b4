#include "worker/training/cpu_kernels.h"

#include <ATen/Version.h>
#include <dlfcn.h>

#include <cstdlib>
#include <sstream>

namespace beamline::training {

CpuKernels cpu_kernels() {
  CpuKernels k;
  // Looked up at run time: LibTorch reaches OpenBLAS through libblas.so.3,
  // which may be another BLAS on some machines.
  using CoreName = char* (*)();
  const auto core = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  k.blas_core = core != nullptr ? core() : "unknown";
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
