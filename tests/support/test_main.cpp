// main() of every test program: GoogleTest's, after the BLAS's kernels are
// made row-invariant (worker/runtime/blas_kernels.h), as the beamline binary
// and the benchmarks do, so tests see the arithmetic users get.
#include <gtest/gtest.h>

#include "worker/runtime/blas_kernels.h"

int main(int argc, char** argv) {
  beamline::runtime::blas::reexec_with_row_invariant_kernels(argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
