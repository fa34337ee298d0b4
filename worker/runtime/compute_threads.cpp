#include "worker/runtime/compute_threads.h"

#include <ATen/Parallel.h>

#include "worker/runtime/blas.h"

namespace beamline::runtime {
namespace {

// Looked up at run time: LibTorch reaches the BLAS through libblas.so.3,
// which is OpenBLAS on the project's machines but may be another.
template <typename F>
F openblas_function(const char* name) {
  return reinterpret_cast<F>(blas::loaded_symbol(name));
}

}  // namespace

void set_compute_threads(int threads) {
  if (threads > 0) at::set_num_threads(threads);
  const int count = threads > 0 ? threads : at::get_num_threads();
  // Only when it changes: a model loaded on the worker's prefetch thread
  // lands here while the other thread may be inside an sgemm, and OpenBLAS
  // resizes its pool under no lock of ours.
  if (blas_threads() == count) return;
  if (const auto set = openblas_function<void (*)(int)>("openblas_set_num_threads")) set(count);
}

int blas_threads() {
  const auto get = openblas_function<int (*)()>("openblas_get_num_threads");
  return get != nullptr ? get() : -1;
}

std::string blas_core() {
  const auto get = openblas_function<char* (*)()>("openblas_get_corename");
  return get != nullptr ? get() : "unknown";
}

}  // namespace beamline::runtime
