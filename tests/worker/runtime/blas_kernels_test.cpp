// The process computes with BLAS kernels under which a row's result does
// not depend on its place in the batch (worker/runtime/blas_kernels.h): the
// test main, like beamline's, re-executes itself when they would.
#include "worker/runtime/blas_kernels.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "worker/runtime/compute_threads.h"

namespace beamline::runtime::testing {
namespace {

TEST(BlasKernels, ARowOfALinearDoesNotDependOnItsPlaceInTheBatch) {
  EXPECT_TRUE(blas::sgemm_rows_agree()) << "OpenBLAS core " << blas_core();
  at::manual_seed(5);
  const at::Tensor weight = at::randn({384, 128});
  const at::Tensor bias = at::randn({384});
  for (int64_t rows : {2, 7, 32, 96, 960}) {
    const at::Tensor x = at::randn({1, 128}).expand({rows, 128}).contiguous();
    const at::Tensor y = at::linear(x, weight, bias);
    for (int64_t r = 1; r < rows; ++r) {
      ASSERT_TRUE(at::equal(y[r], y[0])) << "row " << r << " of " << rows << ", OpenBLAS core " << blas_core();
    }
  }
}

}  // namespace
}  // namespace beamline::runtime::testing
