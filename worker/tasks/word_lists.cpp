#include "worker/tasks/word_lists.h"

#include <set>

namespace beamline::tasks {

const std::vector<std::string>& person_names() {
  static const std::vector<std::string> names = {
      "abel", "bima", "cato", "dara", "eno", "fila", "gorn", "hale", "iva", "jorb",
      "kel", "lumo", "mira", "nox", "orla", "pim", "quen", "rask", "sela", "tovi",
      "ulm", "vesa", "wren", "xan", "yoro", "zeb", "arno", "brin", "cira", "dusk",
      "elko", "fenn", "gila", "hux", "ilsa", "jago", "kiri", "lorn", "mabe", "nim"};
  return names;
}

const std::vector<std::string>& places() {
  static const std::vector<std::string> list = {
      "oslan", "kalta", "voss", "denu", "merro", "tarsk", "iblin", "quor", "halvik", "zunde",
      "pellam", "ruvo", "sorn", "brakka", "ulvet", "gesh", "nandor", "fyre", "odra", "tamsin"};
  return list;
}

const std::vector<std::string>& jobs() {
  static const std::vector<std::string> list = {
      "baker", "pilot", "doctor", "farmer", "singer", "painter", "teacher", "sailor",
      "miner", "tailor", "judge", "cook", "guard", "poet", "smith", "nurse"};
  return list;
}

const std::vector<std::string>& colors() {
  static const std::vector<std::string> list = {
      "red", "blue", "green", "yellow", "black", "white", "pink", "brown", "gray", "orange"};
  return list;
}

const std::vector<std::string>& animals() {
  static const std::vector<std::string> list = {
      "cat", "dog", "fox", "owl", "goat", "horse", "frog", "bear", "crow", "wolf", "duck", "mouse"};
  return list;
}

const std::vector<std::string>& countable_things() {
  static const std::vector<std::string> list = {
      "apples", "coins", "books", "pens", "shells", "stamps", "marbles", "cards", "eggs", "rocks"};
  return list;
}

std::vector<std::string> all_task_words() {
  // Function words of the templates in qa_task.cpp, math_task.cpp and
  // choice_task.cpp; a test checks every generated word is listed.
  static const std::vector<std::string> template_words = {
      "context", "question", "answer", "problem", "fact", "options", ":", ".", "?", ")", "+", "-", "=",
      "lives", "in", "works", "as", "a", "owns", "where", "does", "live", "what", "work", "own",
      "has", "gets", "more", "gives", "away", "loses", "finds", "how", "many", "have", "now",
      "so", "the", "is", "of", "color", "animal", "job", "home", "favorite",
      "A", "B", "C", "D", "which", "option"};
  std::vector<std::string> words;
  std::set<std::string> seen;
  auto add = [&](const std::vector<std::string>& list) {
    for (const auto& w : list) {
      if (seen.insert(w).second) words.push_back(w);
    }
  };
  add(template_words);
  add(person_names());
  add(places());
  add(jobs());
  add(colors());
  add(animals());
  add(countable_things());
  std::vector<std::string> numbers;
  for (int n = 0; n <= kMaxTaskNumber; ++n) numbers.push_back(std::to_string(n));
  add(numbers);
  std::vector<std::string> options;
  for (const char letter : {'A', 'B', 'C', 'D'}) {
    for (const auto* list : {&places(), &jobs(), &colors(), &animals()}) {
      for (const std::string& value : *list) options.push_back(option_token(letter, value));
    }
  }
  add(options);
  return words;
}

std::string option_token(char letter, const std::string& value) { return std::string(1, letter) + ":" + value; }

}  // namespace beamline::tasks
