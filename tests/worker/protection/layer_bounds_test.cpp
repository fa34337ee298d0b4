#include "worker/protection/layer_bounds.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace beamline::protection {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("beamline_bounds_" + std::to_string(::getpid()) + name)).string();
}

TEST(LayerBounds, WidenSaveAndLoadRoundTrip) {
  LayerBounds bounds;
  bounds.widen({0, runtime::LayerKind::v_proj}, -1.0F, 2.0F);
  bounds.widen({0, runtime::LayerKind::v_proj}, -3.0F, 1.0F);
  bounds.widen({2, runtime::LayerKind::act}, 0.0F, 0.5F);
  bounds.metadata = {"tiny", "float32", 7};
  const std::string path = temp_path("ok.json");
  bounds.save(path);
  const LayerBounds loaded = LayerBounds::load(path);
  const auto v = loaded.find({0, runtime::LayerKind::v_proj});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->low, -3.0F);
  EXPECT_EQ(v->high, 2.0F);
  EXPECT_EQ(loaded.by_name().size(), 2u);
  EXPECT_EQ(loaded.metadata.inputs, 7);
  EXPECT_FALSE(loaded.find({1, runtime::LayerKind::v_proj}).has_value());
}

TEST(LayerBounds, BadFilesNameTheKey) {
  auto error_of = [](const std::string& content) {
    const std::string path = temp_path("bad.json");
    std::ofstream(path) << content;
    try {
      LayerBounds::load(path);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("{\"format\": \"beamline-bounds/1\", \"bounds\": {\"0.vproj\": [0, 1]}}").find("'0.vproj'"),
            std::string::npos);
  EXPECT_NE(error_of("{\"format\": \"beamline-bounds/1\", \"bounds\": {\"0.v_proj\": [2, 1]}}").find("low <= high"),
            std::string::npos);
  EXPECT_NE(error_of("{\"bounds\": {}}").find("field 'format'"), std::string::npos);
  EXPECT_NE(error_of("{oops").find("malformed JSON"), std::string::npos);
  EXPECT_THROW(LayerBounds::load("/nonexistent/bounds.json"), Error);
}

}  // namespace
}  // namespace beamline::protection
