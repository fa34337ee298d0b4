#pragma once
// The BLAS LibTorch itself calls (libblas.so.3: OpenBLAS on the project's
// machines), reached directly. Looked up at run time, so a LibTorch on
// another BLAS (or none) still works: callers fall back to LibTorch ops.
#include <cstdint>

namespace beamline::runtime::blas {

// A symbol already loaded into the process (LibTorch's BLAS), or null.
void* loaded_symbol(const char* name);

// The Fortran sgemm_ LibTorch calls, or null when none is loaded.
using Sgemm = void (*)(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                       const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                       const float* beta, float* c, const int* ldc);
Sgemm loaded_sgemm();

// One operand of a batch of products: product i's matrix starts at
// data + i * stride, column-major with leading dimension `leading`.
struct StridedOperand {
  const float* data;
  int64_t leading;  // the BLAS's lda/ldb
  int64_t stride;   // elements from one product's matrix to the next
};

// For i < batch: C_i = A_i' B_i, column-major as the Fortran sgemm_ has it
// (`transpose_a`: A_i' is the transpose of A_i; [m, k] x [k, n]). One
// sgemm_ call per product and none of LibTorch's per-matrix set-up (views,
// checks, allocation): the attention of a batch of rows is hundreds of
// tiny products per layer, and that set-up, not their arithmetic, was most
// of a batched decode step. Returns false (computing nothing) when no
// sgemm_ is loaded or a size does not fit the BLAS's 32-bit integers.
bool sgemm_strided_batch(bool transpose_a, int64_t batch, int64_t m, int64_t n, int64_t k, StridedOperand a,
                         StridedOperand b, float* c, int64_t ldc, int64_t stride_c);

}  // namespace beamline::runtime::blas
