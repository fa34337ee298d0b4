#pragma once
// How many threads a process computes with. LibTorch's own kernels and the
// BLAS under its matmuls keep separate thread pools: OpenBLAS starts one
// thread per CPU whatever LibTorch was told, so two workers on two cores
// ran four busy-waiting BLAS threads, and on a loaded machine the trial
// engine ran some 20 times slower (engine_bench beside two training runs,
// measured here). Every process that runs a model sets both pools to the
// same count through this.
#include <string>

namespace beamline::runtime {

// threads > 0: use that many; 0: LibTorch's current count for both.
void set_compute_threads(int threads);

// OpenBLAS's thread count, or -1 when the BLAS is not OpenBLAS.
int blas_threads();
// The name of the kernels OpenBLAS picked (its "core": Haswell, SkylakeX,
// ...), or "unknown" when the BLAS is not OpenBLAS.
std::string blas_core();

}  // namespace beamline::runtime
