// `beamline serve` and `beamline report` as a user runs them: the built
// binary over the fixture database.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/coordinator/http/http_client.h"
#include "tests/coordinator/http/serve_process.h"
#include "tests/coordinator/report/report_fixture.h"
#include "tests/support/cli_runner.h"

namespace beamline::testing {
namespace {

class ServeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-serve-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_ = (dir_ / "results.db").string();
    build_report_fixture(db_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string db_;
};

TEST_F(ServeCliTest, ServesTheDatabaseUntilSigterm) {
  ServeProcess serve(db_);
  ASSERT_NE(serve.port(), 0) << serve.first_line();
  const auto status = nlohmann::json::parse(http_request(serve.port(), "/api/status").body);
  EXPECT_EQ(status["done"], 52);
  EXPECT_EQ(http_request(serve.port(), "/").status, 200);
  const int exit_status = serve.stop();
  EXPECT_TRUE(WIFEXITED(exit_status));
  EXPECT_EQ(WEXITSTATUS(exit_status), 0);
}

TEST_F(ServeCliTest, ServeRefusesAMissingDatabase) {
  const auto run = run_beamline("serve --db " + shell_quote((dir_ / "none.db").string()) + " --http 127.0.0.1:0");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("none.db: no such database file"), std::string::npos) << run.err;
}

TEST_F(ServeCliTest, ReportCommandInEveryFormat) {
  for (const char* format : {"table", "csv", "json", "markdown"}) {
    const auto run = run_beamline("report " + shell_quote(db_) + " --format " + format);
    EXPECT_EQ(run.exit_code, 0) << format << ": " << run.err;
    EXPECT_NE(run.out.find("SDC rate per cell"), std::string::npos) << format;
    EXPECT_NE(run.out.find("AWRCL"), std::string::npos) << format;
  }
  const auto json = run_beamline("report " + shell_quote(db_) + " --format json --by protection --method exact "
                                 "--confidence 0.9");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["header"]["interval"], "90% exact interval");
  EXPECT_EQ(report["tables"][0]["id"], "protection_reduction");
}

TEST_F(ServeCliTest, ReportErrorsNameTheProblem) {
  auto run = run_beamline("report " + shell_quote((dir_ / "missing.db").string()));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("error: "), std::string::npos);
  EXPECT_NE(run.err.find("missing.db: no such database file"), std::string::npos) << run.err;
  run = run_beamline("report " + shell_quote(db_) + " --format html");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--format must be one of table, csv, json, markdown, got 'html'"), std::string::npos)
      << run.err;
  run = run_beamline("report " + shell_quote(db_) + " --confidence 1.5");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--confidence"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace beamline::testing
