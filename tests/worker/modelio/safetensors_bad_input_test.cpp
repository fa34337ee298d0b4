// Every malformed safetensors file or checkpoint is a beamline::Error that
// names the file and what was expected, never a crash.
#include <gtest/gtest.h>

#include <cstdint>
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

using testing::expect_error;
using testing::ScratchDir;
using testing::write_text;

// Writes an 8-byte length (HEADER's size unless given), HEADER, then DATA.
void write_raw(const std::string& path, const std::string& header, size_t data_bytes,
               std::optional<uint64_t> header_length = std::nullopt) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const uint64_t length = header_length.value_or(header.size());
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((length >> (8 * i)) & 0xff));
  out << header;
  out << std::string(data_bytes, '\x11');
}

std::string header_with(const std::string& dtype, const std::string& shape, uint64_t begin,
                        uint64_t end) {
  return R"({"w":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":[)" +
         std::to_string(begin) + "," + std::to_string(end) + "]}}";
}

TEST(SafetensorsBadInput, MissingFile) {
  ScratchDir dir;
  expect_error([&] { SafetensorsFile file(dir.file("absent.safetensors")); },
               {"absent.safetensors", "cannot open"});
}

TEST(SafetensorsBadInput, FileShorterThanHeaderLength) {
  ScratchDir dir;
  write_text(dir.file("tiny.safetensors"), "abc");
  expect_error([&] { SafetensorsFile file(dir.file("tiny.safetensors")); },
               {"tiny.safetensors", "truncated", "8-byte header length"});
  write_text(dir.file("empty.safetensors"), "");
  expect_error([&] { SafetensorsFile file(dir.file("empty.safetensors")); },
               {"empty.safetensors", "truncated: 0 bytes"});
}

TEST(SafetensorsBadInput, HeaderLengthPastEndOfFile) {
  ScratchDir dir;
  const std::string path = dir.file("long.safetensors");
  write_raw(path, header_with("F32", "[2]", 0, 8), 8, 1000);
  expect_error([&] { SafetensorsFile file(path); },
               {"long.safetensors", "header length 1000 runs past the end of the file"});
  write_raw(path, "{}", 0, UINT64_MAX);
  expect_error([&] { SafetensorsFile file(path); }, {"long.safetensors", "runs past the end"});
}

TEST(SafetensorsBadInput, TruncatedData) {
  ScratchDir dir;
  const std::vector<float> values(16, 1.5f);
  const std::string good = dir.file("good.safetensors");
  write_safetensors(good, {{"w", SafetensorsDtype::F32, {4, 4}, values.data(), 64}});
  const auto size = std::filesystem::file_size(good);
  std::filesystem::resize_file(good, size - 10);
  expect_error([&] { SafetensorsFile file(good); },
               {"good.safetensors", "tensor \"w\"", "past the end of the data section", "truncated"});
}

TEST(SafetensorsBadInput, MalformedJsonHeader) {
  ScratchDir dir;
  const std::string path = dir.file("json.safetensors");
  write_raw(path, R"({"w":{"dtype":"F32",)", 0);
  expect_error([&] { SafetensorsFile file(path); }, {"json.safetensors", "not valid JSON"});
  write_raw(path, "[1,2,3]", 0);
  expect_error([&] { SafetensorsFile file(path); },
               {"json.safetensors", "header must be a JSON object"});
  write_raw(path, R"({"w":{"dtype":"F32","shape":"2x2","data_offsets":[0,16]}})", 16);
  expect_error([&] { SafetensorsFile file(path); }, {"json.safetensors", "\"w\"", "\"shape\""});
  write_raw(path, R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0]}})", 16);
  expect_error([&] { SafetensorsFile file(path); }, {"json.safetensors", "\"data_offsets\""});
  write_raw(path, R"({"w":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", 16);
  expect_error([&] { SafetensorsFile file(path); }, {"json.safetensors", "non-negative"});
}

TEST(SafetensorsBadInput, OffsetsOutOfRange) {
  ScratchDir dir;
  const std::string path = dir.file("offsets.safetensors");
  write_raw(path, header_with("F32", "[4]", 8, 24), 16);
  expect_error([&] { SafetensorsFile file(path); },
               {"offsets.safetensors", "tensor \"w\"", "[8, 24]", "past the end of the data section"});
  write_raw(path, header_with("F32", "[4]", 16, 0), 16);
  expect_error([&] { SafetensorsFile file(path); },
               {"offsets.safetensors", "begin after end"});
}

TEST(SafetensorsBadInput, OverlappingTensors) {
  ScratchDir dir;
  const std::string path = dir.file("overlap.safetensors");
  write_raw(path,
            R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
            R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
            24);
  expect_error([&] { SafetensorsFile file(path); },
               {"overlap.safetensors", "\"a\"", "\"b\"", "overlapping"});
}

TEST(SafetensorsBadInput, ShapeDoesNotMatchByteSpan) {
  ScratchDir dir;
  const std::string path = dir.file("shape.safetensors");
  write_raw(path, header_with("F32", "[3, 2]", 0, 16), 16);
  expect_error([&] { SafetensorsFile file(path); },
               {"shape.safetensors", "tensor \"w\"", "[3, 2]", "F32", "need 24 bytes",
                "span 16 bytes"});
  write_raw(path, header_with("F16", "[4294967296, 4294967296]", 0, 16), 16);
  expect_error([&] { SafetensorsFile file(path); }, {"shape.safetensors", "too many"});
}

TEST(SafetensorsBadInput, UnknownDtype) {
  ScratchDir dir;
  const std::string path = dir.file("dtype.safetensors");
  write_raw(path, header_with("Q4_K", "[4]", 0, 16), 16);
  expect_error([&] { SafetensorsFile file(path); },
               {"dtype.safetensors", "tensor \"w\"", "unknown dtype \"Q4_K\""});
}

TEST(SafetensorsBadInput, OtherDtypesAreRecognised) {
  ScratchDir dir;
  const std::string path = dir.file("ints.safetensors");
  write_raw(path, header_with("I64", "[2]", 0, 16) , 16);
  const SafetensorsFile file(path);
  EXPECT_EQ(file.tensor("w").dtype, SafetensorsDtype::I64);
  EXPECT_FALSE(is_weight_dtype(SafetensorsDtype::I64));
  expect_error([&] { file.tensor("absent"); }, {"ints.safetensors", "no tensor \"absent\""});
}

TEST(SafetensorsBadInput, MetadataIsNotATensor) {
  ScratchDir dir;
  const std::string path = dir.file("meta.safetensors");
  write_raw(path,
            R"({"__metadata__":{"format":"pt","n":3},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
            4);
  const SafetensorsFile file(path);
  EXPECT_EQ(file.tensors().size(), 1u);
  EXPECT_EQ(file.metadata().size(), 1u) << "non-string metadata values are ignored";
}

class ShardedBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    write_checkpoint(dir.str(), {{"a", SafetensorsDtype::F32, {2}, values.data(), 8},
                                 {"b", SafetensorsDtype::F32, {2}, values.data(), 8}},
                     2);
  }
  nlohmann::json index() const { return read_json_file(dir.file(kCheckpointIndexFile)); }
  void write_index(const nlohmann::json& value) const {
    write_json_file(dir.file(kCheckpointIndexFile), value);
  }

  ScratchDir dir;
  std::vector<float> values{1.0f, 2.0f};
};

TEST_F(ShardedBadInput, MissingShard) {
  std::filesystem::remove(dir.file("model-00002-of-00002.safetensors"));
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.str()); },
               {kCheckpointIndexFile, "tensor \"b\"", "model-00002-of-00002.safetensors",
                "does not exist"});
}

TEST_F(ShardedBadInput, MappedTensorNotInItsShard) {
  auto value = index();
  value["weight_map"]["b"] = "model-00001-of-00002.safetensors";
  write_index(value);
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.str()); },
               {kCheckpointIndexFile, "tensor \"b\"", "model-00001-of-00002.safetensors",
                "has no such tensor"});
}

TEST_F(ShardedBadInput, MalformedIndex) {
  write_index({{"metadata", {}}});
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.str()); },
               {kCheckpointIndexFile, "\"weight_map\" must be an object"});
  write_index({{"weight_map", {{"a", 3}}}});
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.str()); },
               {kCheckpointIndexFile, "\"a\"", "string"});
  write_index({{"weight_map", {{"a", "../elsewhere.safetensors"}}}});
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.str()); },
               {kCheckpointIndexFile, "not a file inside the model directory"});
  write_text(dir.file(kCheckpointIndexFile), "{\"weight_map\": ");
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.str()); },
               {kCheckpointIndexFile, "not valid JSON"});
}

TEST(CheckpointBadInput, NoCheckpointFiles) {
  ScratchDir dir;
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.str()); },
               {dir.str(), "no model.safetensors or model.safetensors.index.json"});
  write_text(dir.file("pytorch_model.bin"), "pickle");
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.str()); },
               {"pytorch_model.bin must be converted"});
  expect_error([&] { SafetensorsCheckpoint checkpoint(dir.file("nope")); },
               {"nope", "not a directory"});
}

}  // namespace
}  // namespace beamline::modelio
