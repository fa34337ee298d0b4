// SHA-256 digests as the manifest writes them, against the FIPS 180-2
// test vectors.
#include "common/manifest/file_digest.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace beamline::manifest {
namespace {

constexpr const char* kAbc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kEmpty = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

class FileDigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-digest-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(FileDigestTest, FileAndTextDigestsAreSha256WithTheirSize) {
  const auto abc = digest_file(write("abc", "abc"));
  EXPECT_EQ(abc.digest, kAbc);
  EXPECT_EQ(abc.size, 3u);
  EXPECT_EQ(digest_text("abc"), kAbc);
  const auto empty = digest_file(write("empty", ""));
  EXPECT_EQ(empty.digest, kEmpty);
  EXPECT_EQ(empty.size, 0u);
}

TEST_F(FileDigestTest, ALargeFileIsReadInChunks) {
  // Over the 64 KiB read buffer: the digest must cover every chunk.
  const std::string big(200000, 'a');
  const auto digest = digest_file(write("big", big));
  EXPECT_EQ(digest.size, big.size());
  EXPECT_EQ(digest.digest, digest_text(big));
}

TEST_F(FileDigestTest, AnUnreadableFileIsAnErrorNamingIt) {
  const auto missing = (dir_ / "missing.bin").string();
  try {
    digest_file(missing);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.bin"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace beamline::manifest
