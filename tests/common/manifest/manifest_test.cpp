// The campaign manifest: what the coordinator lists (every file of each hf
// model directory, bounds files, datasets; relative to the campaign root)
// and the worker's check of its --model-root against it (missing file,
// changed size, changed content), with digests cached per (path, size,
// mtime).
#include "common/manifest/manifest.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "common/campaign/campaign_parser.h"
#include "common/error.h"
#include "common/manifest/file_digest.h"

namespace beamline::manifest {
namespace {
namespace fs = std::filesystem;

constexpr const char* kCampaign = R"(
[campaign]
name = "manifest-test"
seed = 5
[[model]]
name = "m"
path = "models/m"
[[dataset]]
name = "d"
path = "data/d.jsonl"
inputs = 1
[[fault]]
model = "single_bit"
[[protection]]
kind = "ranger"
bounds = "bounds/{model}.json"
[budget]
trials_per_input = 1
)";

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "beamline-manifest-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    root_ = dir_ / "coordinator";
    put(root_, "models/m/config.json", "{\"hidden_size\": 8}");
    put(root_, "models/m/sub/weights.bin", std::string(1000, '\x07'));
    put(root_, "bounds/m.json", "{}");
    put(root_, "data/d.jsonl", "{\"prompt\": \"2+2=\", \"answers\": [\"4\"]}\n");
    put(root_, "c.toml", kCampaign);
    source_ = campaign::read_campaign_source((root_ / "c.toml").string());
    spec_ = campaign::parse_campaign(source_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void put(const fs::path& root, const std::string& relative, const std::string& bytes) {
    fs::create_directories((root / relative).parent_path());
    std::ofstream(root / relative, std::ios::binary | std::ios::trunc) << bytes;
  }
  // The worker's machine: a copy of the campaign root.
  fs::path worker_root(const std::string& name) {
    const fs::path copy = dir_ / name;
    fs::copy(root_, copy, fs::copy_options::recursive);
    return copy;
  }
  wire::Manifest manifest() { return build_manifest(source_, spec_, campaign_root(spec_)); }

  fs::path dir_;
  fs::path root_;
  campaign::CampaignSource source_;
  campaign::CampaignSpec spec_;
};

TEST_F(ManifestTest, ListsEveryModelBoundsAndDataFileWithDigestAndSize) {
  const auto built = manifest();
  EXPECT_EQ(built.campaign_name(), "manifest-test");
  EXPECT_EQ(built.campaign_hash(), source_.hash);
  EXPECT_EQ(built.campaign_toml(), source_.text);
  EXPECT_EQ(built.seed(), 5u);
  ASSERT_EQ(built.files_size(), 4);
  // Model files sorted, then the model's bounds, then the datasets.
  const std::vector<std::string> expected = {"models/m/config.json", "models/m/sub/weights.bin", "bounds/m.json",
                                             "data/d.jsonl"};
  for (int i = 0; i < built.files_size(); ++i) {
    const auto& file = built.files(i);
    EXPECT_EQ(file.path(), expected[static_cast<size_t>(i)]);
    const auto digest = digest_file((root_ / file.path()).string());
    EXPECT_EQ(file.digest(), digest.digest) << file.path();
    EXPECT_EQ(file.size(), digest.size) << file.path();
  }
}

TEST_F(ManifestTest, SyntheticCampaignsNameNoFiles) {
  const auto source = campaign::campaign_source_from_text((root_ / "s.toml").string(), R"(
[campaign]
name = "s"
seed = 1
[[model]]
name = "syn"
kind = "synthetic"
[[dataset]]
name = "d"
path = "data/d.jsonl"
inputs = 1
[[fault]]
model = "none"
[budget]
trials_per_input = 1
)");
  const auto spec = campaign::parse_campaign(source);
  EXPECT_EQ(build_manifest(source, spec, campaign_root(spec)).files_size(), 0);
}

TEST_F(ManifestTest, AMissingModelDirectoryIsAnErrorNamingIt) {
  fs::remove_all(root_ / "models");
  try {
    manifest();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("models/m"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("model 'm'"), std::string::npos) << e.what();
  }
}

TEST_F(ManifestTest, AnIdenticalRootPasses) {
  EXPECT_EQ(verify_manifest(manifest(), worker_root("same").string()), std::nullopt);
}

TEST_F(ManifestTest, AMissingFileIsNamed) {
  const auto built = manifest();
  const auto root = worker_root("missing");
  fs::remove(root / "data/d.jsonl");
  const auto mismatch = verify_manifest(built, root.string());
  ASSERT_TRUE(mismatch.has_value());
  EXPECT_NE(mismatch->find("data/d.jsonl: missing under model root"), std::string::npos) << *mismatch;
}

TEST_F(ManifestTest, AChangedSizeIsNamed) {
  const auto built = manifest();
  const auto root = worker_root("size");
  std::ofstream(root / "models/m/sub/weights.bin", std::ios::binary | std::ios::app) << "x";
  const auto mismatch = verify_manifest(built, root.string());
  ASSERT_TRUE(mismatch.has_value());
  EXPECT_NE(mismatch->find("models/m/sub/weights.bin: 1001 bytes"), std::string::npos) << *mismatch;
  EXPECT_NE(mismatch->find("the coordinator's has 1000"), std::string::npos) << *mismatch;
}

TEST_F(ManifestTest, ChangedContentOfTheSameSizeIsNamedWithBothDigests) {
  const auto built = manifest();
  const auto root = worker_root("content");
  put(root, "data/d.jsonl", "{\"prompt\": \"2+2=\", \"answers\": [\"5\"]}\n");  // one byte differs
  const auto mismatch = verify_manifest(built, root.string());
  ASSERT_TRUE(mismatch.has_value());
  EXPECT_NE(mismatch->find("data/d.jsonl: "), std::string::npos) << *mismatch;
  EXPECT_NE(mismatch->find(digest_file((root / "data/d.jsonl").string()).digest), std::string::npos) << *mismatch;
  EXPECT_NE(mismatch->find(built.files(3).digest()), std::string::npos) << *mismatch;
}

TEST_F(ManifestTest, CachedDigestsAreInvalidatedByANewMtime) {
  const auto built = manifest();
  const auto root = worker_root("cache");
  ASSERT_EQ(verify_manifest(built, root.string()), std::nullopt);  // digests now cached
  const fs::path data = root / "data/d.jsonl";
  const auto checked_at = fs::last_write_time(data);
  put(root, "data/d.jsonl", "{\"prompt\": \"2+2=\", \"answers\": [\"5\"]}\n");
  // Same path, size and mtime: the cache answers without reading (this is
  // what makes a re-check after a reconnect cheap).
  fs::last_write_time(data, checked_at);
  EXPECT_EQ(verify_manifest(built, root.string()), std::nullopt);
  // Any write that moves the mtime is seen.
  fs::last_write_time(data, checked_at + std::chrono::seconds(2));
  const auto mismatch = verify_manifest(built, root.string());
  ASSERT_TRUE(mismatch.has_value());
  EXPECT_NE(mismatch->find("data/d.jsonl: "), std::string::npos) << *mismatch;
}

}  // namespace
}  // namespace beamline::manifest
