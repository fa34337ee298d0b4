#include "worker/judge/dataset.h"

#include <fmt/core.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.h"

namespace beamline::judge {
namespace {

using nlohmann::json;

[[noreturn]] void fail_at(const std::string& path, int line, const std::string& message) {
  throw Error(fmt::format("{}:{}: {}", path, line, message));
}

std::string answer_text(const json& value, const std::string& path, int line, const char* field) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number()) return fmt::format("{}", value.get<double>());
  fail_at(path, line, fmt::format("field '{}': expected a string or a number, got {}", field, value.type_name()));
}

DatasetInput parse_input(const json& row, const std::string& path, int line) {
  if (!row.is_object()) fail_at(path, line, "expected a JSON object");
  DatasetInput input;
  input.line = line;

  const auto prompt = row.find("prompt");
  if (prompt == row.end() || !prompt->is_string()) fail_at(path, line, "field 'prompt': expected a string");
  input.prompt = prompt->get<std::string>();

  const auto task = row.find("task");
  if (task == row.end() || !task->is_string()) {
    fail_at(path, line, "field 'task': expected one of qa, math, choice, exact");
  }
  const auto kind = parse_task_kind(task->get<std::string>());
  if (!kind) {
    fail_at(path, line, fmt::format("field 'task': expected one of qa, math, choice, exact, got '{}'",
                                    task->get<std::string>()));
  }
  input.task = *kind;

  if (const auto answers = row.find("answers"); answers != row.end()) {
    if (!answers->is_array() || answers->empty()) {
      fail_at(path, line, "field 'answers': expected a non-empty array");
    }
    for (const json& a : *answers) input.answers.push_back(answer_text(a, path, line, "answers"));
  } else if (const auto answer = row.find("answer"); answer != row.end()) {
    input.answers.push_back(answer_text(*answer, path, line, "answer"));
  } else {
    fail_at(path, line, "expected a field 'answer' or 'answers'");
  }

  if (const auto id = row.find("id"); id != row.end()) {
    input.id = answer_text(*id, path, line, "id");
  } else {
    input.id = std::to_string(line);
  }

  if (const auto options = row.find("options"); options != row.end()) {
    if (!options->is_array() || options->size() < 2 || options->size() > 26) {
      fail_at(path, line, "field 'options': expected an array of 2 to 26 options");
    }
    input.option_count = static_cast<int>(options->size());
  }
  if (const auto continuations = row.find("option_continuations"); continuations != row.end()) {
    if (!continuations->is_array() || continuations->size() != static_cast<size_t>(input.option_count)) {
      fail_at(path, line,
              fmt::format("field 'option_continuations': expected an array of {} strings, one per option",
                          input.option_count));
    }
    for (const json& c : *continuations) {
      if (!c.is_string() || c.get<std::string>().find_first_not_of(" ") == std::string::npos) {
        fail_at(path, line, "field 'option_continuations': expected non-blank strings");
      }
      input.option_continuations.push_back(c.get<std::string>());
    }
  }
  if (const auto limit = row.find("max_new_tokens"); limit != row.end()) {
    if (!limit->is_number_integer() || limit->get<int64_t>() < 1) {
      fail_at(path, line, "field 'max_new_tokens': expected a positive integer");
    }
    input.max_new_tokens = limit->get<int64_t>();
  }
  return input;
}

}  // namespace

Dataset load_dataset(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open dataset file", path));
  Dataset dataset{path, {}};
  std::string text;
  int line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json row;
    try {
      row = json::parse(text);
    } catch (const json::parse_error& e) {
      fail_at(path, line, fmt::format("malformed JSON ({})", e.what()));
    }
    dataset.inputs.push_back(parse_input(row, path, line));
  }
  if (dataset.inputs.empty()) throw Error(fmt::format("{}: dataset has no inputs", path));
  return dataset;
}

}  // namespace beamline::judge
