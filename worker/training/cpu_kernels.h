#pragma once
// Which CPU kernels this process computes with. Float results (and so a
// trained model's bits) depend on them: OpenBLAS picks its sgemm kernels by
// the CPU it detects (SkylakeX on one Xeon, Cooperlake on an EPYC) and ATen
// its vectorised loops by the widest instruction set, and different kernels
// round differently. Pinning both (OPENBLAS_CORETYPE, ATEN_CPU_CAPABILITY,
// read when the libraries load, so set before the process starts) makes a
// seeded training run give the same bits on any CPU that has them.
#include <string>

namespace beamline::training {

struct CpuKernels {
  std::string blas_core;       // OpenBLAS's core name, "unknown" for another BLAS
  std::string cpu_capability;  // ATen's: DEFAULT, AVX2, AVX512
  bool pinned = false;         // both chosen by the environment, not detected
};

CpuKernels cpu_kernels();

// The environment a training command is prefixed with to pin the kernels
// the bundled models were trained with.
inline constexpr const char* kPinnedKernelsEnv = "OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2";

}  // namespace beamline::training
