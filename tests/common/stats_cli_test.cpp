// `beamline ci` and `beamline plan` run as a user would: the built binary,
// its last output line, and its exit status (1 with a message naming the
// option for bad input).
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tests/support/cli_runner.h"

namespace {

// stdout and stderr together: error lines are checked like output lines.
struct RunResult {
  int exit_code = -1;
  std::string output;
  std::string last_line() const { return beamline::testing::last_line(output); }
};

RunResult run_beamline(const std::string& arguments) {
  const beamline::testing::CommandRun run = beamline::testing::run_beamline(arguments);
  return {run.exit_code, run.out + run.err};
}

std::pair<double, double> parse_pair(const std::string& line) {
  std::istringstream words(line);
  double low = -1, high = -1;
  words >> low >> high;
  return {low, high};
}

TEST(CiCommand, WilsonByDefault) {
  const RunResult result = run_beamline("ci --k 3 --n 10");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto [low, high] = parse_pair(result.last_line());
  EXPECT_NEAR(low, 0.1077913, 1e-6);  // Wilson closed form, z = 1.959964
  EXPECT_NEAR(high, 0.6032219, 1e-6);
}

TEST(CiCommand, ExactAtZeroAndAll) {
  RunResult result = run_beamline("ci --k 0 --n 10 --method exact");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.last_line(), "0 0.3084971");
  result = run_beamline("ci --k 10 --n 10 --method exact --confidence 0.95");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.last_line(), "0.6915029 1");
}

TEST(CiCommand, OtherConfidence) {
  const RunResult result = run_beamline("ci --k 3 --n 10 --method exact --confidence 0.99");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto [low, high] = parse_pair(result.last_line());
  EXPECT_NEAR(low, 0.0370072, 1e-6);
  EXPECT_NEAR(high, 0.7351140, 1e-6);
}

void expect_rejected(const std::string& arguments, const std::string& option) {
  const RunResult result = run_beamline(arguments);
  EXPECT_EQ(result.exit_code, 1) << arguments << "\n" << result.output;
  EXPECT_NE(result.output.find("error: "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(option), std::string::npos) << result.output;
}

TEST(CiCommand, BadInputNamesTheOption) {
  expect_rejected("ci --k 11 --n 10", "--k");
  expect_rejected("ci --k -1 --n 10", "--k");
  expect_rejected("ci --k 0 --n 0", "--n");
  expect_rejected("ci --k 1 --n 10 --confidence 1.5", "--confidence");
  expect_rejected("ci --k 1 --n 10 --confidence 0", "--confidence");
  expect_rejected("ci --k 1 --n 10 --method wald", "--method");
}

TEST(PlanCommand, InfiniteAndFinitePopulation) {
  RunResult result = run_beamline("plan --margin 0.05");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.last_line(), "385");
  result = run_beamline("plan --margin 0.05 --population 10000");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.last_line(), "370");
  result = run_beamline("plan --margin 0.01 --confidence 0.99 --population 1000000");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.last_line(), "16317");
  result = run_beamline("plan --margin 0.01 --p 0.1");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.last_line(), "3458");
}

TEST(PlanCommand, BadInputNamesTheOption) {
  expect_rejected("plan --margin 0", "--margin");
  expect_rejected("plan --margin -0.1", "--margin");
  expect_rejected("plan --margin 0.05 --confidence 1", "--confidence");
  expect_rejected("plan --margin 0.05 --p 0", "--p");
  expect_rejected("plan --margin 0.05 --population 0", "--population");
}

}  // namespace
