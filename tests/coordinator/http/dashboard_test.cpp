// The dashboard in a real browser: headless Chromium (Debian's chromium)
// loads / from a running `beamline serve` over the fixture database, runs
// the page's scripts (the vendored Chart.js included) and dumps the DOM;
// the test checks the charts were drawn with the database's values.
// live_coordinator_test.cpp does the same against a running coordinator.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/coordinator/http/headless_chromium.h"
#include "tests/coordinator/http/serve_process.h"
#include "tests/coordinator/report/report_fixture.h"

namespace beamline::http {
namespace {

using beamline::testing::attribute_of;

TEST(Dashboard, HeadlessChromiumDrawsTheChartsFromTheDatabase) {
  ASSERT_TRUE(beamline::testing::chromium_available())
      << "chromium (Debian package, scripts/packages.txt) is not installed";
  std::string pattern = (std::filesystem::temp_directory_path() / "beamline-dashboard-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path dir = pattern;
  beamline::testing::build_report_fixture((dir / "results.db").string());
  beamline::testing::ServeProcess server((dir / "results.db").string());
  ASSERT_NE(server.port(), 0) << server.first_line();

  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  const std::string dom = beamline::testing::dump_dom(url, dir);
  server.stop();
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(dom.empty()) << "chromium printed no DOM";

  // Every refresher ran at least once without an error.
  const std::regex rendered("<body[^>]*data-rendered=\"([0-9]+)\"");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(dom, match, rendered)) << dom.substr(0, 2000);
  EXPECT_GE(std::stoi(match[1].str()), 3);
  EXPECT_NE(dom.find("<footer id=\"error\"></footer>"), std::string::npos) << "the page reported an error";

  // Charts: the values they hold and the elements Chart.js laid out.
  // Cells: none and ft2 on one site key -> 2 interval bars with their rates.
  EXPECT_EQ(attribute_of(dom, "cells-chart", "data-points"), "2");
  EXPECT_EQ(attribute_of(dom, "cells-chart", "data-drawn"), "2");
  // Layers: v_proj and q_proj under none and ft2.
  EXPECT_EQ(attribute_of(dom, "layers-chart", "data-points"), "4");
  EXPECT_EQ(attribute_of(dom, "layers-chart", "data-drawn"), "4");
  // Weight accuracy at three rates.
  EXPECT_EQ(attribute_of(dom, "weight-chart", "data-points"), "3");
  EXPECT_NE(attribute_of(dom, "throughput-chart", "data-points"), "0");
  EXPECT_NE(attribute_of(dom, "throughput-chart", "data-drawn"), "0");

  // Numbers from the database in the page.
  EXPECT_NE(dom.find("<span id=\"campaign\">fixture</span>"), std::string::npos);
  EXPECT_NE(dom.find("<dd id=\"done\">52</dd>"), std::string::npos);
  EXPECT_NE(dom.find("<dd id=\"alive\">1 / 2</dd>"), std::string::npos);
  EXPECT_NE(dom.find("<dd id=\"reissued\">3</dd>"), std::string::npos);
  // Cell 1: 8 SDC of 20 = 40.0%, Wilson [21.9%, 61.3%].
  EXPECT_NE(dom.find("40.0%"), std::string::npos);
  EXPECT_NE(dom.find("[21.9%, 61.3%]"), std::string::npos) << dom;
}

}  // namespace
}  // namespace beamline::http
