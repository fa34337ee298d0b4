#include "worker/runtime/blas.h"

#include <dlfcn.h>

#include <limits>

namespace beamline::runtime::blas {
namespace {

bool fits(int64_t v) { return v >= 0 && v <= std::numeric_limits<int>::max(); }

}  // namespace

void* loaded_symbol(const char* name) { return dlsym(RTLD_DEFAULT, name); }

Sgemm loaded_sgemm() {
  static const auto fn = reinterpret_cast<Sgemm>(loaded_symbol("sgemm_"));
  return fn;
}

bool sgemm_strided_batch(bool transpose_a, int64_t batch, int64_t m, int64_t n, int64_t k, StridedOperand a,
                         StridedOperand b, float* c, int64_t ldc, int64_t stride_c) {
  const Sgemm fn = loaded_sgemm();
  if (fn == nullptr || !fits(m) || !fits(n) || !fits(k) || !fits(a.leading) || !fits(b.leading) || !fits(ldc)) {
    return false;
  }
  const char ta = transpose_a ? 'T' : 'N';
  const char tb = 'N';
  const int im = static_cast<int>(m), in = static_cast<int>(n), ik = static_cast<int>(k);
  const int lda = static_cast<int>(a.leading), ldb = static_cast<int>(b.leading), ic = static_cast<int>(ldc);
  const float one = 1.0F, zero = 0.0F;
  for (int64_t i = 0; i < batch; ++i) {
    fn(&ta, &tb, &im, &in, &ik, &one, a.data + i * a.stride, &lda, b.data + i * b.stride, &ldb, &zero,
       c + i * stride_c, &ic);
  }
  return true;
}

}  // namespace beamline::runtime::blas
