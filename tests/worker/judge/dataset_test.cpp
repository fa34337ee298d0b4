#include "worker/judge/dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace beamline::judge {
namespace {

class DatasetFile : public ::testing::Test {
 protected:
  std::string write(const std::string& content) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("beamline_dataset_" + std::to_string(::getpid()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    const auto path = (dir / "data.jsonl").string();
    std::ofstream(path) << content;
    return path;
  }

  std::string error_of(const std::string& content) {
    const std::string path = write(content);
    try {
      load_dataset(path);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }
};

TEST_F(DatasetFile, ReadsEveryField) {
  const auto path = write(
      R"({"prompt": "Q: 2+2?", "answer": 4, "task": "math"})"
      "\n\n"
      R"({"prompt": "Where?", "answers": ["Paris", "paris, france"], "task": "qa", "id": "q7"})"
      "\n"
      R"({"prompt": "Pick", "answer": "B", "task": "choice", "options": ["x", "y", "z"], "max_new_tokens": 3})"
      "\n");
  const Dataset data = load_dataset(path);
  ASSERT_EQ(data.inputs.size(), 3u);
  EXPECT_EQ(data.inputs[0].answers, std::vector<std::string>{"4"});
  EXPECT_EQ(data.inputs[0].task, TaskKind::math);
  EXPECT_EQ(data.inputs[0].id, "1");
  EXPECT_EQ(data.inputs[1].id, "q7");
  EXPECT_EQ(data.inputs[1].line, 3);
  EXPECT_EQ(data.inputs[1].answers.size(), 2u);
  EXPECT_EQ(data.inputs[2].option_count, 3);
  EXPECT_EQ(data.inputs[2].max_new_tokens, 3);
  EXPECT_EQ(data.inputs[0].max_new_tokens, 0);
}

TEST_F(DatasetFile, ErrorsNameFileLineAndField) {
  EXPECT_NE(error_of("{\"prompt\": \"x\", \"task\": \"qa\"}\n").find(":1: expected a field 'answer'"),
            std::string::npos);
  EXPECT_NE(error_of("{\"prompt\": \"x\", \"answer\": \"y\", \"task\": \"poem\"}\n").find("field 'task'"),
            std::string::npos);
  EXPECT_NE(error_of("{\"answer\": \"y\", \"task\": \"qa\"}\n").find("field 'prompt'"), std::string::npos);
  const std::string malformed = error_of("{\"prompt\": \"x\", \"answer\": \"y\", \"task\": \"qa\"}\n{oops\n");
  EXPECT_NE(malformed.find("data.jsonl:2: malformed JSON"), std::string::npos) << malformed;
  EXPECT_NE(error_of("").find("no inputs"), std::string::npos);
  EXPECT_NE(error_of("{\"prompt\": \"x\", \"answer\": 1, \"task\": \"qa\", \"max_new_tokens\": 0}\n")
                .find("field 'max_new_tokens'"),
            std::string::npos);
}

TEST_F(DatasetFile, MissingFileIsAnError) {
  EXPECT_THROW(load_dataset("/nonexistent/beamline.jsonl"), Error);
}

}  // namespace
}  // namespace beamline::judge
