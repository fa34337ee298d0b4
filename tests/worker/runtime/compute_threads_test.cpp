// The BLAS's thread pool follows LibTorch's: a process that runs a model
// never keeps OpenBLAS's one-thread-per-CPU default beside LibTorch's
// count (two workers on two cores ran four busy-waiting BLAS threads).
#include "worker/runtime/compute_threads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include "tests/worker/runtime/tiny_models.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::runtime::testing {
namespace {

// Sets OpenBLAS's pool behind the runtime's back, as its default would.
void set_blas_threads_directly(int threads) {
  const auto set = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  ASSERT_NE(set, nullptr) << "the project's machines run LibTorch on OpenBLAS (DESIGN.md)";
  set(threads);
}

class ComputeThreadsTest : public ::testing::Test {
 protected:
  void TearDown() override { set_compute_threads(before_); }
  int before_ = at::get_num_threads();
};

TEST_F(ComputeThreadsTest, SetsLibTorchAndTheBlasAlike) {
  set_compute_threads(2);
  EXPECT_EQ(at::get_num_threads(), 2);
  EXPECT_EQ(blas_threads(), 2);
  set_compute_threads(1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(blas_threads(), 1);
}

TEST_F(ComputeThreadsTest, ZeroGivesTheBlasLibTorchsCount) {
  at::set_num_threads(1);
  set_blas_threads_directly(2);
  set_compute_threads(0);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(blas_threads(), 1);
}

TEST_F(ComputeThreadsTest, LoadingAModelAlignsTheBlas) {
  ScratchDir dir("compute_threads");
  write_tiny_model(dir.sub("model"), TinySpec{});
  at::set_num_threads(1);
  set_blas_threads_directly(2);
  const auto model = LoadedModel::load(dir.sub("model"));
  EXPECT_EQ(blas_threads(), 1);
}

}  // namespace
}  // namespace beamline::runtime::testing
