// Writing safetensors files and reading them back: bytes, dtypes, shapes and
// metadata survive exactly, single-file and sharded.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/worker/modelio/modelio_test_support.h"
#include "worker/modelio/json_file.h"
#include "worker/modelio/safetensors_checkpoint.h"
#include "worker/modelio/safetensors_file.h"
#include "worker/modelio/safetensors_writer.h"

namespace beamline::modelio {
namespace {

using testing::ScratchDir;

// Bit patterns chosen to catch any conversion on the way: NaN payloads,
// signed zero, infinities and subnormals must come back unchanged.
const std::vector<uint32_t> kF32Bits = {0x00000000u, 0x80000000u, 0x3f800000u, 0x7f800000u,
                                        0xff800000u, 0x7fc01234u, 0x00000001u, 0xc2f6e979u};
const std::vector<uint16_t> kF16Bits = {0x0000u, 0x8000u, 0x3c00u, 0x7c00u, 0xfc00u, 0x7e55u,
                                        0x0001u, 0x7bffu, 0x1234u};
const std::vector<uint16_t> kBF16Bits = {0x0000u, 0x8000u, 0x3f80u, 0x7f80u,
                                         0xff80u, 0x7fc1u, 0x0001u, 0x42f7u};

template <typename Word>
SafetensorsTensorView view_of(const std::string& name, SafetensorsDtype dtype,
                              std::vector<int64_t> shape, const std::vector<Word>& words) {
  return SafetensorsTensorView{name, dtype, std::move(shape), words.data(),
                               words.size() * sizeof(Word)};
}

std::vector<SafetensorsTensorView> sample_tensors() {
  return {
      view_of("f32.weight", SafetensorsDtype::F32, {2, 4}, kF32Bits),
      view_of("f16.weight", SafetensorsDtype::F16, {3, 3}, kF16Bits),
      view_of("bf16.weight", SafetensorsDtype::BF16, {8}, kBF16Bits),
  };
}

void expect_same_tensor(const SafetensorsTensorView& expected, const SafetensorsTensorView& actual) {
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.dtype, expected.dtype);
  EXPECT_EQ(actual.shape, expected.shape);
  ASSERT_EQ(actual.byte_size, expected.byte_size);
  EXPECT_EQ(std::memcmp(actual.data, expected.data, expected.byte_size), 0)
      << "bytes of " << expected.name << " changed";
}

TEST(SafetensorsRoundTrip, AllWeightDtypesComeBackBitExact) {
  ScratchDir dir;
  const std::string path = dir.file("model.safetensors");
  const auto tensors = sample_tensors();
  write_safetensors(path, tensors, {{"format", "pt"}, {"note", "round trip"}});

  const SafetensorsFile file(path);
  ASSERT_EQ(file.tensors().size(), tensors.size());
  for (const auto& expected : tensors) expect_same_tensor(expected, file.tensor(expected.name));
  EXPECT_EQ(file.metadata().at("format"), "pt");
  EXPECT_EQ(file.metadata().at("note"), "round trip");
  EXPECT_FALSE(file.contains("__metadata__"));
}

TEST(SafetensorsRoundTrip, HeaderIsPaddedAndTensorsAreAligned) {
  ScratchDir dir;
  const std::string path = dir.file("aligned.safetensors");
  write_safetensors(path, sample_tensors());
  const SafetensorsFile file(path);
  for (const auto& view : file.tensors()) {
    const auto address = reinterpret_cast<uintptr_t>(view.data);
    EXPECT_EQ(address % element_size(view.dtype), 0u) << view.name;
  }
  std::ifstream in(path, std::ios::binary);
  unsigned char length_bytes[8] = {};
  in.read(reinterpret_cast<char*>(length_bytes), sizeof length_bytes);
  EXPECT_EQ(length_bytes[0] % 8, 0) << "header length is a multiple of 8";
}

TEST(SafetensorsRoundTrip, ScalarsAndEmptyTensors) {
  ScratchDir dir;
  const std::string path = dir.file("edge.safetensors");
  const std::vector<uint32_t> scalar = {0x40490fdbu};
  const std::vector<uint16_t> empty;
  write_safetensors(path, {view_of("scalar", SafetensorsDtype::F32, {}, scalar),
                           view_of("empty", SafetensorsDtype::F16, {0, 3}, empty)});
  const SafetensorsFile file(path);
  EXPECT_TRUE(file.tensor("scalar").shape.empty());
  EXPECT_EQ(file.tensor("scalar").numel(), 1);
  EXPECT_EQ(std::memcmp(file.tensor("scalar").data, scalar.data(), 4), 0);
  EXPECT_EQ(file.tensor("empty").byte_size, 0u);
  EXPECT_EQ(file.tensor("empty").shape, (std::vector<int64_t>{0, 3}));
}

TEST(SafetensorsRoundTrip, ShardedCheckpointWithIndex) {
  ScratchDir dir;
  const auto tensors = sample_tensors();
  write_checkpoint(dir.str(), tensors, 3);
  EXPECT_FALSE(std::filesystem::exists(dir.file(kSingleCheckpointFile)));
  for (const char* shard : {"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                            "model-00003-of-00003.safetensors"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.file(shard))) << shard;
  }
  const auto index = read_json_file(dir.file(kCheckpointIndexFile));
  EXPECT_EQ(index["weight_map"].size(), tensors.size());
  EXPECT_EQ(index["metadata"]["total_size"].get<uint64_t>(), 4u * 8 + 2u * 9 + 2u * 8);

  const SafetensorsCheckpoint checkpoint(dir.str());
  EXPECT_EQ(checkpoint.description_path(), dir.file(kCheckpointIndexFile));
  EXPECT_EQ(checkpoint.files().size(), 3u);
  ASSERT_EQ(checkpoint.tensor_names().size(), tensors.size());
  for (const auto& expected : tensors) {
    expect_same_tensor(expected, checkpoint.tensor(expected.name));
    const std::string shard = index["weight_map"][expected.name].get<std::string>();
    EXPECT_EQ(checkpoint.file_of(expected.name), dir.file(shard));
  }
}

TEST(SafetensorsRoundTrip, SingleFilePreferredOverIndex) {
  ScratchDir dir;
  write_checkpoint(dir.str(), sample_tensors(), 2);
  write_checkpoint(dir.str(), sample_tensors(), 1);
  const SafetensorsCheckpoint checkpoint(dir.str());
  EXPECT_EQ(checkpoint.description_path(), dir.file(kSingleCheckpointFile));
  EXPECT_EQ(checkpoint.files().size(), 1u);
}

TEST(SafetensorsRoundTrip, WriterRejectsInconsistentTensors) {
  ScratchDir dir;
  const std::vector<uint32_t> three = {1, 2, 3};
  testing::expect_error(
      [&] {
        write_safetensors(dir.file("bad.safetensors"),
                          {view_of("w", SafetensorsDtype::F32, {2, 2}, three)});
      },
      {"bad.safetensors", "\"w\"", "[2, 2]", "needs 16 bytes, got 12"});
  testing::expect_error(
      [&] {
        write_safetensors(dir.file("twice.safetensors"),
                          {view_of("w", SafetensorsDtype::F32, {3}, three),
                           view_of("w", SafetensorsDtype::F32, {3}, three)});
      },
      {"twice.safetensors", "\"w\" given twice"});
}

}  // namespace
}  // namespace beamline::modelio
