// Loading checkpoints into a TensorStore: dtype conversion is exact where it
// can be, float16 emulation rounds through float16, and every bad tensor is a
// beamline::Error naming the file.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "tests/worker/modelio/modelio_test_support.h"
#include "worker/modelio/device.h"
#include "worker/modelio/torch_safetensors_writer.h"
#include "worker/modelio/weight_loader.h"

namespace beamline::modelio {
namespace {

using testing::expect_error;
using testing::ScratchDir;

RunOptions cpu(RunDtype dtype) {
  RunOptions options;
  options.dtype = dtype;
  options.device = "cpu";
  return options;
}

// Values spanning float16's range edges: subnormals, the largest finite
// value, beyond it (overflow), and more mantissa than float16 keeps.
at::Tensor awkward_values() {
  return torch::tensor({0.0f, -0.0f, 1.0f, 1.0f / 3.0f, 65504.0f, 65520.0f, 1e6f, -1e6f,
                        5.9604645e-08f, 1e-9f, 3.14159265f, -2.7182818f},
                       torch::kFloat32);
}

bool bitwise_equal(const at::Tensor& a, const at::Tensor& b) {
  return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() &&
         std::memcmp(a.contiguous().data_ptr(), b.contiguous().data_ptr(),
                     static_cast<size_t>(a.numel()) * a.element_size()) == 0;
}

TEST(WeightLoader, Float32RoundTripIsBitExact) {
  ScratchDir dir;
  torch::manual_seed(7);
  const at::Tensor weight = torch::randn({5, 3});
  write_checkpoint(dir.str(), {{"model.embed_tokens.weight", weight}});
  const TensorStore store = load_weights(dir.str(), cpu(RunDtype::float32));
  ASSERT_EQ(store.size(), 1u);
  EXPECT_TRUE(bitwise_equal(store.get("model.embed_tokens.weight", {5, 3}), weight));
  EXPECT_EQ(store.source_file("model.embed_tokens.weight"), dir.file("model.safetensors"));
}

TEST(WeightLoader, HalfAndBfloat16FilesWidenExactlyToFloat32) {
  ScratchDir dir;
  torch::manual_seed(11);
  const at::Tensor half = (torch::randn({4, 6}) * 100).to(torch::kHalf);
  const at::Tensor bf16 = (torch::randn({4, 6}) * 1e20).to(torch::kBFloat16);
  write_checkpoint(dir.str(), {{"h", half}, {"b", bf16}});
  const TensorStore store = load_weights(dir.str(), cpu(RunDtype::float32));
  const at::Tensor h = store.get("h", {4, 6});
  const at::Tensor b = store.get("b", {4, 6});
  EXPECT_EQ(h.scalar_type(), torch::kFloat32);
  EXPECT_EQ(b.scalar_type(), torch::kFloat32);
  // Widening is exact: narrowing back gives the same bits.
  EXPECT_TRUE(bitwise_equal(h.to(torch::kHalf), half));
  EXPECT_TRUE(bitwise_equal(b.to(torch::kBFloat16), bf16));
  EXPECT_TRUE(torch::equal(h, half.to(torch::kFloat32)));
}

TEST(WeightLoader, Bfloat16RunKeepsBfloat16Bits) {
  ScratchDir dir;
  const at::Tensor bf16 = awkward_values().to(torch::kBFloat16);
  write_checkpoint(dir.str(), {{"b", bf16}, {"f", awkward_values()}});
  const TensorStore store = load_weights(dir.str(), cpu(RunDtype::bfloat16));
  EXPECT_TRUE(bitwise_equal(store.get("b", {12}), bf16));
  EXPECT_TRUE(bitwise_equal(store.get("f", {12}), awkward_values().to(torch::kBFloat16)));
}

TEST(WeightLoader, EmulatedFloat16RoundsFloat32WeightsThroughHalf) {
  ScratchDir dir;
  write_checkpoint(dir.str(), {{"f", awkward_values()}});
  const TensorStore store = load_weights(dir.str(), cpu(RunDtype::float16));
  const at::Tensor loaded = store.get("f", {12});
  EXPECT_EQ(loaded.scalar_type(), torch::kFloat32) << "emulation keeps float32 in memory";
  const at::Tensor expected = awkward_values().to(torch::kHalf).to(torch::kFloat32);
  EXPECT_TRUE(bitwise_equal(loaded, expected));
  // Spot checks of what float16 does: overflow to inf, underflow to 0,
  // 1/3 loses mantissa, the largest finite value survives.
  const auto values = loaded.accessor<float, 1>();
  EXPECT_EQ(values[4], 65504.0f);
  EXPECT_TRUE(std::isinf(values[5]) && values[5] > 0) << "65520 rounds up past float16's max";
  EXPECT_TRUE(std::isinf(values[7]) && values[7] < 0);
  EXPECT_EQ(values[9], 0.0f);
  EXPECT_EQ(values[3], 0.333251953125f);
  // Every loaded value is exactly float16-representable.
  EXPECT_TRUE(bitwise_equal(loaded.to(torch::kHalf).to(torch::kFloat32), loaded));
}

TEST(WeightLoader, EmulatedFloat16FromHalfAndBfloat16Files) {
  ScratchDir dir;
  const at::Tensor half = awkward_values().to(torch::kHalf);
  const at::Tensor bf16 = awkward_values().to(torch::kBFloat16);
  write_checkpoint(dir.str(), {{"h", half}, {"b", bf16}});
  const TensorStore store = load_weights(dir.str(), cpu(RunDtype::float16));
  EXPECT_TRUE(bitwise_equal(store.get("h", {12}), half.to(torch::kFloat32)));
  EXPECT_TRUE(bitwise_equal(store.get("b", {12}),
                            bf16.to(torch::kFloat32).to(torch::kHalf).to(torch::kFloat32)));
}

TEST(WeightLoader, ShardedCheckpoint) {
  ScratchDir dir;
  torch::manual_seed(3);
  NamedTensors tensors;
  for (int i = 0; i < 5; ++i) {
    tensors.emplace_back("model.layers." + std::to_string(i) + ".mlp.up_proj.weight",
                         torch::randn({2, 3}).to(torch::kBFloat16));
  }
  write_checkpoint(dir.str(), tensors, 2);
  const TensorStore store = load_weights(dir.str(), cpu(RunDtype::bfloat16));
  ASSERT_EQ(store.size(), tensors.size());
  for (const auto& [name, tensor] : tensors) {
    EXPECT_TRUE(bitwise_equal(store.get(name, {2, 3}), tensor)) << name;
  }
  EXPECT_EQ(store.origin(), dir.file("model.safetensors.index.json"));
}

TEST(WeightLoader, BaseModelNamesGetModelPrefixAndInvFreqIsSkipped) {
  ScratchDir dir;
  write_checkpoint(dir.str(), {{"decoder.embed_tokens.weight", torch::ones({4, 2})},
                               {"lm_head.weight", torch::ones({4, 2})},
                               {"decoder.layers.0.self_attn.rotary_emb.inv_freq", torch::ones({1})}});
  const TensorStore store = load_weights(dir.str(), cpu(RunDtype::float32));
  EXPECT_EQ(store.names(), (std::vector<std::string>{"lm_head.weight",
                                                     "model.decoder.embed_tokens.weight"}));
}

TEST(WeightLoader, NonFloatDtypeIsRefused) {
  ScratchDir dir;
  write_checkpoint(dir.str(), {{"model.ids", torch::arange(4, torch::kInt64)}});
  expect_error([&] { load_weights(dir.str(), cpu(RunDtype::float32)); },
               {"model.safetensors", "tensor \"model.ids\" has dtype I64, expected F32, F16 or BF16"});
}

TEST(TensorStoreTest, MissingTensorAndWrongShapeNameTheFile) {
  ScratchDir dir;
  write_checkpoint(dir.str(), {{"model.norm.weight", torch::ones({8})}});
  const TensorStore store = load_weights(dir.str(), cpu(RunDtype::float32));
  expect_error([&] { store.get("model.norm.weight", {16}); },
               {"model.safetensors", "\"model.norm.weight\"", "shape [8]", "expected [16]"});
  expect_error([&] { store.get("lm_head.weight", {32, 8}); },
               {"model.safetensors", "no tensor \"lm_head.weight\"", "[32, 8]"});
  EXPECT_TRUE(store.contains("model.norm.weight"));
  EXPECT_FALSE(store.contains("lm_head.weight"));
}

TEST(TensorStoreTest, DuplicateNamesAreRefused) {
  TensorStore store;
  store.add("w", torch::ones({1}), "a.safetensors");
  expect_error([&] { store.add("w", torch::ones({1}), "b.safetensors"); },
               {"b.safetensors", "\"w\" appears twice"});
}

TEST(Device, ParsesDtypesAndDevices) {
  EXPECT_EQ(parse_run_dtype("float32"), RunDtype::float32);
  EXPECT_EQ(parse_run_dtype("bfloat16"), RunDtype::bfloat16);
  EXPECT_EQ(parse_run_dtype("float16"), RunDtype::float16);
  expect_error([] { parse_run_dtype("fp16"); }, {"--dtype", "\"fp16\"", "float32, bfloat16 or float16"});
  EXPECT_TRUE(parse_device("cpu").is_cpu());
  EXPECT_EQ(parse_device("cuda:1"), c10::Device(c10::DeviceType::CUDA, 1));
  EXPECT_EQ(parse_device("cuda"), c10::Device(c10::DeviceType::CUDA, 0));
  for (const char* bad : {"gpu", "cuda:", "cuda:x", "cuda:-1", "cuda:123", "CPU"}) {
    expect_error([&] { parse_device(bad); }, {"--device", bad, "cpu or cuda:N"});
  }
  const RunOptions options = parse_run_options("float16", "cpu");
  EXPECT_EQ(options.dtype, RunDtype::float16);
  EXPECT_TRUE(is_emulated_float16(options));
  EXPECT_EQ(dtype_label(options), "float16-emulated");
  EXPECT_FALSE(is_emulated_float16(parse_run_options("float16", "cuda:0")));
  EXPECT_EQ(dtype_label(parse_run_options("bfloat16", "cpu")), "bfloat16");
}

TEST(Device, PlacementDecisions) {
  const Placement f32 = resolve_placement(cpu(RunDtype::float32));
  EXPECT_TRUE(f32.device.is_cpu());
  EXPECT_EQ(f32.storage_dtype, c10::ScalarType::Float);
  EXPECT_FALSE(f32.emulate_float16);
  const Placement bf16 = resolve_placement(cpu(RunDtype::bfloat16));
  EXPECT_EQ(bf16.storage_dtype, c10::ScalarType::BFloat16);
  EXPECT_EQ(bf16.compute_dtype, c10::ScalarType::BFloat16);
  const Placement f16 = resolve_placement(cpu(RunDtype::float16));
  EXPECT_TRUE(f16.emulate_float16);
  EXPECT_EQ(f16.storage_dtype, c10::ScalarType::Float);
  EXPECT_EQ(f16.compute_dtype, c10::ScalarType::Float);
}

TEST(Device, CudaWithoutCudaIsAClearError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "CUDA is available here";
  RunOptions options;
  options.device = "cuda:0";
  expect_error([&] { resolve_placement(options); }, {"--device cuda:0", "CUDA is not available"});
}

}  // namespace
}  // namespace beamline::modelio
