// Every SQL query docs/sql.md shows, run as a user runs it: through the
// `sqlite3` shell (Debian package sqlite3, scripts/packages.txt) against
// the fixture database (report_fixture.h). Each must succeed and return
// rows, so the page cannot drift from the views.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/coordinator/report/report_fixture.h"

namespace beamline::report {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The statements of every ```sql block (each ends with ';' at the end of a
// line), then the one-liners of ```sh blocks: sqlite3 ... results.db "SQL".
std::vector<std::string> documented_queries(const std::string& page) {
  std::vector<std::string> queries;
  const std::regex sql_block("```sql\n([\\s\\S]*?)```");
  for (std::sregex_iterator it(page.begin(), page.end(), sql_block), end; it != end; ++it) {
    std::istringstream lines((*it)[1].str());
    std::string line, statement;
    while (std::getline(lines, line)) {
      statement += line + "\n";
      if (!line.empty() && line.back() == ';') {
        queries.push_back(statement);
        statement.clear();
      }
    }
    if (statement.find_first_not_of(" \n") != std::string::npos) queries.push_back(statement);
  }
  const std::regex shell_query("sqlite3 [^\n\"]*results\\.db \"([^\"]+)\"");
  for (std::sregex_iterator it(page.begin(), page.end(), shell_query), end; it != end; ++it) {
    queries.push_back((*it)[1].str() + ";\n");
  }
  return queries;
}

class SqlDocsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "beamline-sqldocs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    testing::build_report_fixture((dir_ / "results.db").string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(SqlDocsTest, EveryQueryOnThePageRunsInTheSqlite3ShellAndReturnsRows) {
  ASSERT_EQ(std::system("command -v sqlite3 > /dev/null"), 0)
      << "sqlite3 (Debian package sqlite3, scripts/packages.txt) is not installed";
  const auto queries = documented_queries(read_file(BEAMLINE_SOURCE_DIR "/docs/sql.md"));
  // The page shows 17 today; fewer means the blocks were not found.
  ASSERT_GE(queries.size(), 17u);
  const auto db = (dir_ / "results.db").string();
  for (size_t i = 0; i < queries.size(); ++i) {
    SCOPED_TRACE(queries[i]);
    const auto input = dir_ / "query.sql", output = dir_ / "out.txt", errors = dir_ / "err.txt";
    std::ofstream(input) << queries[i];
    // -bail: stop at the first error; the exit status says whether there was one.
    const std::string command = "sqlite3 -bail -batch '" + db + "' < '" + input.string() + "' > '" + output.string() +
                                "' 2> '" + errors.string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << read_file(errors);
    EXPECT_EQ(read_file(errors), "");
    // A row of NULLs prints only separators: that is no answer either.
    EXPECT_NE(read_file(output).find_first_not_of("|\n "), std::string::npos) << "no rows: " << read_file(output);
  }
}

}  // namespace
}  // namespace beamline::report
