#include "worker/runtime/blas_kernels.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "worker/runtime/blas.h"

namespace beamline::runtime::blas {
namespace {

// Deterministic values in [-1, 1).
std::vector<float> pseudo_random(size_t count, uint32_t seed) {
  std::vector<float> v(count);
  for (auto& x : v) {
    seed = seed * 1664525U + 1013904223U;
    x = static_cast<float>(seed >> 8) / static_cast<float>(1U << 23) - 1.0F;
  }
  return v;
}

// y = x W^T as at::linear calls it (column-major: W^T' x'), every row of x
// the same; do all rows of y agree with row 0?
bool rows_agree(Sgemm sgemm, int rows, int in, int out) {
  const std::vector<float> weight = pseudo_random(static_cast<size_t>(out) * in, 7);
  const std::vector<float> row = pseudo_random(static_cast<size_t>(in), 11);
  std::vector<float> x;
  for (int r = 0; r < rows; ++r) x.insert(x.end(), row.begin(), row.end());
  std::vector<float> y(static_cast<size_t>(rows) * out);
  const float one = 1.0F, zero = 0.0F;
  sgemm("T", "N", &out, &rows, &in, &one, weight.data(), &in, x.data(), &in, &zero, y.data(), &out);
  for (int r = 1; r < rows; ++r) {
    if (std::memcmp(y.data(), y.data() + static_cast<size_t>(r) * out, sizeof(float) * out) != 0) return false;
  }
  return true;
}

void warn(const char* what) { std::fprintf(stderr, "beamline: warning: %s\n", what); }

}  // namespace

bool sgemm_rows_agree() {
  const Sgemm sgemm = loaded_sgemm();
  if (sgemm == nullptr) return true;
  // The shapes the variation was seen at: a wide batch and a narrow one.
  return rows_agree(sgemm, 96, 128, 384) && rows_agree(sgemm, 7, 128, 128);
}

void reexec_with_row_invariant_kernels(char** argv) {
  if (loaded_symbol("openblas_get_corename") == nullptr || sgemm_rows_agree()) return;
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) {
    warn("OpenBLAS's kernels (OPENBLAS_CORETYPE) make a row's result depend on its place in the batch; "
         "a trial's last bits depend on its batch row, and early exits and prefill resumes will rarely apply");
    return;
  }
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx")) {
    setenv("OPENBLAS_CORETYPE", "Sandybridge", 1);
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE");
  }
#endif
  warn("OpenBLAS's kernels make a row's result depend on its place in the batch and could not be changed; "
       "a trial's last bits depend on its batch row, and early exits and prefill resumes will rarely apply");
}

}  // namespace beamline::runtime::blas
