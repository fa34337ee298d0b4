#pragma once
// How many threads a process computes with. LibTorch's own kernels and the
// BLAS under its matmuls keep separate thread pools: OpenBLAS starts one
// thread per CPU whatever LibTorch was told, so two workers on two cores
// ran four busy-waiting BLAS threads, and a worker on a loaded machine ran
// its matmuls some 20 times slower (measured here with engine_bench beside
// two training runs). Every process that runs a model sets both pools to
// the same count through this.
namespace beamline::runtime {

// threads > 0: use that many; 0: LibTorch's current count for both.
void set_compute_threads(int threads);

// OpenBLAS's thread count, or -1 when the BLAS is not OpenBLAS.
int blas_threads();

}  // namespace beamline::runtime
