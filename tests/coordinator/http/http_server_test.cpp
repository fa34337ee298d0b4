// The HTTP endpoint over the report fixture database (known counts, see
// tests/coordinator/report/report_fixture.h): /metrics (also through
// promtool check metrics) with the cells' Wilson gauges, /api/status,
// /api/cells, /api/layers, the dashboard's files, bad paths and methods, a
// missing database; the Grafana dashboard's queries and data source.
#include "coordinator/http/http_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/system/system_error.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>

#include "common/error.h"
#include "common/stats/interval.h"
#include "tests/coordinator/http/http_client.h"
#include "tests/coordinator/report/report_fixture.h"

namespace beamline::http {
namespace {

using beamline::testing::http_request;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-http-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_ = (dir_ / "results.db").string();
    beamline::testing::build_report_fixture(db_);
    server_ = std::make_unique<HttpServer>("127.0.0.1:0", db_, BEAMLINE_SOURCE_DIR "/dashboards");
    server_->start();
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::string db_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, MetricsCountWhatTheDatabaseHolds) {
  const auto reply = http_request(server_->port(), "/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = reply.body;
  EXPECT_NE(text.find("\nbeamline_trials_done_total 52\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nbeamline_trials_planned 52\n"), std::string::npos);
  EXPECT_NE(text.find("\nbeamline_workers_alive 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nbeamline_leases_reissued_total 3\n"), std::string::npos);
  EXPECT_NE(text.find("beamline_units{state=\"pending\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("beamline_campaign_complete{campaign=\"fixture\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("beamline_cell_trials_total{cell=\"1\",kind=\"transient\",model=\"m\",dataset=\"qa\","
                      "fault=\"single_bit\",protection=\"none\",sites=\"all\",outcome=\"sdc\"} 8\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("outcome=\"masked\"} 11\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE beamline_results_per_second gauge\n"), std::string::npos);
}

// The value of the one sample of `series` whose labels contain `labels`.
std::optional<double> sample(const std::string& metrics, const std::string& series, const std::string& labels) {
  std::istringstream lines(metrics);
  std::string line;
  std::optional<double> value;
  while (std::getline(lines, line)) {
    if (line.rfind(series + "{", 0) != 0 || line.find(labels) == std::string::npos) continue;
    if (value) return std::nullopt;  // more than one
    value = std::stod(line.substr(line.rfind(' ') + 1));
  }
  return value;
}

TEST_F(HttpServerTest, MetricsCarryEachTransientCellsWilsonInterval) {
  const std::string text = http_request(server_->port(), "/metrics").body;
  EXPECT_NE(text.find("# TYPE beamline_cell_sdc_wilson_low gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE beamline_cell_sdc_wilson_high gauge\n"), std::string::npos);
  // Cell 1: 8 SDC of 20; cell 2: 2 of 20; the same labels as the counters.
  const std::string cell1 = "cell=\"1\",kind=\"transient\",model=\"m\",dataset=\"qa\",fault=\"single_bit\","
                            "protection=\"none\",sites=\"all\"";
  const auto low1 = sample(text, "beamline_cell_sdc_wilson_low", cell1);
  const auto high1 = sample(text, "beamline_cell_sdc_wilson_high", cell1);
  ASSERT_TRUE(low1 && high1) << text;
  EXPECT_DOUBLE_EQ(*low1, stats::wilson_interval(8, 20).low);
  EXPECT_DOUBLE_EQ(*high1, stats::wilson_interval(8, 20).high);
  const auto high2 = sample(text, "beamline_cell_sdc_wilson_high", "cell=\"2\",");
  ASSERT_TRUE(high2);
  EXPECT_DOUBLE_EQ(*high2, stats::wilson_interval(2, 20).high);
  // Weight cells have no SDC interval: two gauges per transient cell only.
  EXPECT_FALSE(sample(text, "beamline_cell_sdc_wilson_low", "cell=\"3\",").has_value());
  size_t gauges = 0;
  for (size_t at = text.find("\nbeamline_cell_sdc_wilson_"); at != std::string::npos;
       at = text.find("\nbeamline_cell_sdc_wilson_", at + 1)) {
    ++gauges;
  }
  EXPECT_EQ(gauges, 4u);
}

TEST_F(HttpServerTest, PromtoolAcceptsTheMetrics) {
  const std::string metrics = (dir_ / "metrics.txt").string();
  std::ofstream(metrics) << http_request(server_->port(), "/metrics").body;
  ASSERT_EQ(std::system("command -v promtool > /dev/null"), 0)
      << "promtool (Debian package prometheus, scripts/packages.txt) is not installed";
  const std::string output = (dir_ / "promtool.txt").string();
  const int status = std::system(("promtool check metrics < " + metrics + " > " + output + " 2>&1").c_str());
  std::ifstream in(output);
  const std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(status, 0) << said;
  EXPECT_EQ(said, "") << "promtool lint findings";
}

TEST_F(HttpServerTest, StatusJson) {
  const auto reply = http_request(server_->port(), "/api/status");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "application/json");
  const auto status = nlohmann::json::parse(reply.body);
  EXPECT_EQ(status["campaign"], "fixture");
  EXPECT_EQ(status["complete"], false);
  EXPECT_EQ(status["done"], 52);
  EXPECT_EQ(status["sdc"], 10);
  EXPECT_EQ(status["due"], 2);
  EXPECT_EQ(status["workers_alive"], 1);
  ASSERT_EQ(status["workers"].size(), 2u);
  EXPECT_EQ(status["workers"][0]["id"], "w1");
  EXPECT_EQ(status["reissued_leases"], 3);
  EXPECT_EQ(status["units"]["done"], 4);
  EXPECT_EQ(status["units"]["leased"], 1);
  // The fixture's results span 30 s before kNowMs: the series adds up to all 52.
  int64_t total = 0;
  for (const auto& point : status["throughput"]["points"]) total += point[1].get<int64_t>();
  EXPECT_EQ(total, 52);
}

TEST_F(HttpServerTest, CellsAndLayersJson) {
  const auto cells = nlohmann::json::parse(http_request(server_->port(), "/api/cells").body);
  ASSERT_EQ(cells.size(), 5u);
  EXPECT_EQ(cells[0]["id"], 1);
  EXPECT_EQ(cells[0]["protection"], "none");
  EXPECT_EQ(cells[0]["done"], 20);
  EXPECT_EQ(cells[0]["sdc"], 8);
  EXPECT_DOUBLE_EQ(cells[0]["wilson_low"].get<double>(), stats::wilson_interval(8, 20).low);
  EXPECT_TRUE(cells[0]["accuracy"].is_null());
  EXPECT_EQ(cells[3]["kind"], "weight");
  EXPECT_NEAR(cells[3]["accuracy"].get<double>(), 0.4, 1e-12);

  const auto layers = nlohmann::json::parse(http_request(server_->port(), "/api/layers").body);
  ASSERT_EQ(layers.size(), 4u);
  for (const auto& layer : layers) {
    if (layer["protection"] == "ft2" && layer["layer"] == "q_proj") {
      EXPECT_EQ(layer["n"], 10);
      EXPECT_EQ(layer["sdc"], 2);
    }
  }
}

TEST_F(HttpServerTest, DashboardFilesAndBadRequests) {
  const auto index = http_request(server_->port(), "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("vendor/chart.umd.min.js"), std::string::npos);
  const auto script = http_request(server_->port(), "/vendor/chart.umd.min.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(script.body.find("Chart.js v4"), std::string::npos);
  EXPECT_EQ(http_request(server_->port(), "/../CMakeLists.txt").status, 404);
  EXPECT_EQ(http_request(server_->port(), "/vendor/../../CMakeLists.txt").status, 404);
  EXPECT_EQ(http_request(server_->port(), "/no-such-file.js").status, 404);
  EXPECT_EQ(http_request(server_->port(), "/metrics", "POST").status, 405);
  EXPECT_EQ(http_request(server_->port(), "/metrics", "HEAD").status, 200);
}

nlohmann::json grafana_dashboard() {
  std::ifstream in(BEAMLINE_SOURCE_DIR "/dashboards/grafana/beamline.json");
  EXPECT_TRUE(in) << "dashboards/grafana/beamline.json";
  return nlohmann::json::parse(in);
}

TEST_F(HttpServerTest, GrafanaDashboardQueriesOnlySeriesTheEndpointServes) {
  const std::string metrics = http_request(server_->port(), "/metrics").body;
  const auto dashboard = grafana_dashboard();
  const std::regex series("beamline_[a-z_]+");
  int queries = 0;
  for (const auto& panel : dashboard.at("panels")) {
    for (const auto& target : panel.at("targets")) {
      const std::string expr = target.at("expr");
      ++queries;
      for (std::sregex_iterator it(expr.begin(), expr.end(), series), end; it != end; ++it) {
        EXPECT_NE(metrics.find("# TYPE " + it->str() + " "), std::string::npos)
            << panel["title"] << ": " << it->str() << " is not served";
      }
    }
  }
  EXPECT_GE(queries, 10);
}

TEST(GrafanaDashboard, SdcRatePanelShowsTheWilsonInterval) {
  const auto dashboard = grafana_dashboard();
  const nlohmann::json* sdc = nullptr;
  for (const auto& panel : dashboard.at("panels")) {
    if (panel.at("title").get<std::string>().rfind("SDC rate per cell", 0) == 0) sdc = &panel;
  }
  ASSERT_NE(sdc, nullptr);
  std::string exprs;
  for (const auto& target : sdc->at("targets")) exprs += target.at("expr").get<std::string>() + "\n";
  EXPECT_NE(exprs.find("beamline_cell_sdc_wilson_low"), std::string::npos) << exprs;
  EXPECT_NE(exprs.find("beamline_cell_sdc_wilson_high"), std::string::npos) << exprs;
  EXPECT_NE(exprs.find("outcome=\"sdc\""), std::string::npos) << exprs;
  // The three instant queries become one row per cell.
  bool merged = false;
  for (const auto& transformation : sdc->value("transformations", nlohmann::json::array())) {
    merged = merged || transformation.at("id") == "merge";
  }
  EXPECT_TRUE(merged);
}

TEST(GrafanaDashboard, DataSourceIsAVariableWithADefault) {
  // File provisioning does not substitute import inputs such as
  // ${DS_PROMETHEUS}: every panel and query names the `datasource`
  // variable, which defaults to the default Prometheus data source.
  const auto dashboard = grafana_dashboard();
  EXPECT_FALSE(dashboard.contains("__inputs"));
  EXPECT_EQ(dashboard.dump().find("${DS_"), std::string::npos);
  const nlohmann::json* variable = nullptr;
  for (const auto& v : dashboard.at("templating").at("list")) {
    if (v.at("name") == "datasource") variable = &v;
  }
  ASSERT_NE(variable, nullptr);
  EXPECT_EQ(variable->at("type"), "datasource");
  EXPECT_EQ(variable->at("query"), "prometheus");
  EXPECT_EQ(variable->at("current").at("value"), "default");
  int uses = 0;
  for (const auto& panel : dashboard.at("panels")) {
    EXPECT_EQ(panel.at("datasource").at("uid"), "${datasource}") << panel["title"];
    for (const auto& target : panel.at("targets")) {
      EXPECT_EQ(target.at("datasource").at("uid"), "${datasource}") << panel["title"];
      ++uses;
    }
  }
  EXPECT_GE(uses, 10);
}

TEST_F(HttpServerTest, StopClosesThePort) {
  const auto port = server_->port();
  server_->stop();
  server_->stop();  // idempotent
  EXPECT_THROW(http_request(port, "/metrics"), boost::system::system_error);
}

TEST(HttpServer, MissingDatabaseIs503UntilItAppears) {
  std::string pattern = (std::filesystem::temp_directory_path() / "beamline-http-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path dir = pattern;
  const std::string db = (dir / "later.db").string();
  HttpServer server("127.0.0.1:0", db, BEAMLINE_SOURCE_DIR "/dashboards");
  server.start();
  const auto missing = http_request(server.port(), "/api/status");
  EXPECT_EQ(missing.status, 503);
  EXPECT_NE(missing.body.find("no such database file"), std::string::npos) << missing.body;
  beamline::testing::build_report_fixture(db);
  EXPECT_EQ(http_request(server.port(), "/api/status").status, 200);
  server.stop();
  std::filesystem::remove_all(dir);
}

TEST(HttpServer, BadAddressesAreErrors) {
  for (const char* address : {"8080", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000", "nohost:80"}) {
    HttpServer server(address, "x.db", ".");
    EXPECT_THROW(server.start(), Error) << address;
  }
  HttpServer first("127.0.0.1:0", "x.db", ".");
  first.start();
  HttpServer second("127.0.0.1:" + std::to_string(first.port()), "x.db", ".");
  EXPECT_THROW(second.start(), Error);
}

}  // namespace
}  // namespace beamline::http
