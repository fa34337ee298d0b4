#include "worker/tasks/generators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "worker/judge/judges.h"
#include "worker/judge/text_normalize.h"
#include "worker/tasks/word_lists.h"

namespace beamline::tasks {
namespace {

using judge::TaskKind;

const TaskKind kTasks[] = {TaskKind::qa, TaskKind::math, TaskKind::choice};

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

TEST(TaskGenerators, AreAPureFunctionOfSeedSplitAndIndex) {
  const TaskOptions options;
  for (TaskKind task : kTasks) {
    const auto a = make_example(task, 7, Split::train, 3, options);
    const auto b = make_example(task, 7, Split::train, 3, options);
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(training_text(a), training_text(b));
    std::set<std::string> train_prompts, eval_prompts;
    for (uint64_t i = 0; i < 50; ++i) {
      train_prompts.insert(make_example(task, 7, Split::train, i, options).prompt);
      eval_prompts.insert(make_example(task, 7, Split::eval, i, options).prompt);
    }
    EXPECT_GT(train_prompts.size(), 40u) << judge::to_string(task);
    EXPECT_NE(train_prompts, eval_prompts);
  }
}

TEST(TaskGenerators, EmitOnlyVocabularyWordsSeparatedBySingleSpaces) {
  const auto vocabulary = all_task_words();
  const std::set<std::string> known(vocabulary.begin(), vocabulary.end());
  EXPECT_EQ(known.size(), vocabulary.size()) << "duplicate words";
  const TaskOptions options;
  for (TaskKind task : kTasks) {
    for (uint64_t i = 0; i < 200; ++i) {
      const auto example = make_example(task, 1, Split::train, i, options);
      const std::string text = training_text(example);
      EXPECT_EQ(text.find("  "), std::string::npos) << text;
      for (const auto& w : words_of(text)) EXPECT_TRUE(known.count(w)) << "'" << w << "' in: " << text;
    }
  }
  for (const auto& fact : choice_fact_statements(options)) {
    for (const auto& w : words_of(training_text(fact))) EXPECT_TRUE(known.count(w)) << w;
  }
}

TEST(QaTask, AnswerIsASpanOfTheContextAndTheFirstQuestion) {
  const TaskOptions options;
  for (uint64_t i = 0; i < 200; ++i) {
    const auto example = make_qa_example(3, Split::eval, i, options);
    const std::string context = example.prompt.substr(0, example.prompt.find(" question :"));
    EXPECT_NE((" " + context + " ").find(" " + example.answer + " "), std::string::npos) << example.prompt;
    EXPECT_TRUE(judge::is_correct(TaskKind::qa, " " + example.answer + " . question", {example.answer}));
    // Training text starts with the evaluation prompt and supervises its answer next.
    ASSERT_GE(example.training.size(), 3u);
    EXPECT_EQ(example.training[0].text, example.prompt);
    EXPECT_EQ(example.training[1].text, " " + example.answer);
    EXPECT_TRUE(example.training[1].supervised);
  }
}

TEST(QaTask, AsksEveryFactForDenseSupervision) {
  TaskOptions options;
  options.min_facts = options.max_facts = 4;
  const auto example = make_qa_example(5, Split::train, 0, options);
  int supervised = 0;
  for (const auto& s : example.training) supervised += s.supervised ? 1 : 0;
  EXPECT_EQ(supervised, 4);
}

TEST(QaTask, ClosedBookAsksAMemorisedFactWithoutAContext) {
  TaskOptions options;
  options.qa_closed_book = true;
  std::set<std::string> fact_texts;
  for (const auto& f : choice_fact_statements(options)) fact_texts.insert(f.prompt + " " + f.answer);
  const std::vector<std::pair<std::string, std::string>> phrasings = {
      {"what does ", " work as ?"}, {"where does ", " live ?"},
      {"what is the favorite color of ", " ?"}, {"what is the favorite animal of ", " ?"}};
  const std::vector<std::string> phrases = {"the job of ", "the home of ", "the favorite color of ",
                                            "the favorite animal of "};
  for (uint64_t i = 0; i < 200; ++i) {
    const auto example = make_qa_example(3, Split::eval, i, options);
    EXPECT_EQ(example.prompt.find("context"), std::string::npos) << example.prompt;
    ASSERT_EQ(example.training.size(), 2u);
    EXPECT_EQ(example.training[0].text, example.prompt);
    EXPECT_EQ(example.training[1].text, " " + example.answer);
    EXPECT_TRUE(example.training[1].supervised);
    // The question names a person and an attribute; the answer is that fact's value.
    bool matched = false;
    for (size_t a = 0; a < phrasings.size(); ++a) {
      const auto& [before, after] = phrasings[a];
      const std::string head = "question : " + before;
      if (example.prompt.rfind(head, 0) != 0) continue;
      const size_t end = example.prompt.find(after + " answer :");
      if (end == std::string::npos) continue;
      const std::string person = example.prompt.substr(head.size(), end - head.size());
      if (person.find(' ') != std::string::npos) continue;
      matched = true;
      EXPECT_TRUE(fact_texts.count("fact : " + phrases[a] + person + " is " + example.answer)) << example.prompt;
    }
    EXPECT_TRUE(matched) << example.prompt;
  }
}

TEST(MathTask, WorkedAnswerEndsInTheRightNumber) {
  const TaskOptions options;
  for (uint64_t i = 0; i < 500; ++i) {
    const auto example = make_math_example(11, Split::train, i, options);
    const int answer = std::stoi(example.answer);
    EXPECT_GE(answer, 0);
    EXPECT_LE(answer, kMaxTaskNumber);
    const std::string worked = example.training.back().text;
    EXPECT_TRUE(judge::is_correct(TaskKind::math, worked, {example.answer})) << worked;
    // Each "a + b = c" / "a - b = c" line of the working is true arithmetic.
    const auto w = words_of(worked);
    for (size_t k = 0; k + 4 < w.size(); ++k) {
      if (w[k + 1] == "+" || w[k + 1] == "-") {
        const int a = std::stoi(w[k]), b = std::stoi(w[k + 2]), c = std::stoi(w[k + 4]);
        EXPECT_EQ(w[k + 1] == "+" ? a + b : a - b, c) << worked;
      }
    }
  }
}

TEST(ChoiceTask, TheRightLetterNamesTheMemorisedFact) {
  const TaskOptions options;
  const auto facts = choice_fact_statements(options);
  std::set<std::string> fact_texts;
  for (const auto& f : facts) fact_texts.insert(f.prompt + " " + f.answer);
  for (uint64_t i = 0; i < 200; ++i) {
    const auto example = make_choice_example(2, Split::eval, i, options);
    ASSERT_EQ(example.options.size(), 4u);
    const std::set<std::string> distinct(example.options.begin(), example.options.end());
    EXPECT_EQ(distinct.size(), 4u);
    const std::string truth = example.options[static_cast<size_t>(example.answer[0] - 'A')];
    // "question : what is the job of abel ? ..." -> "fact : the job of abel is <truth>"
    const size_t from = example.prompt.find("what is ") + 8;
    const std::string subject = example.prompt.substr(from, example.prompt.find(" ?") - from);
    EXPECT_TRUE(fact_texts.count("fact : " + subject + " is " + truth)) << example.prompt;
    EXPECT_TRUE(judge::is_correct(TaskKind::choice, " " + example.answer, {example.answer}));
  }
}

TEST(ChoiceTask, TheAnswerWritesTheValueThenItsLetter) {
  const TaskOptions options;
  for (uint64_t i = 0; i < 50; ++i) {
    const auto example = make_choice_example(3, Split::eval, i, options);
    ASSERT_EQ(example.option_continuations.size(), 4u);
    for (size_t slot = 0; slot < 4; ++slot) {
      const std::string letter(1, static_cast<char>('A' + slot));
      EXPECT_EQ(example.option_continuations[slot], " " + example.options[slot] + " " + letter);
      // Each option is one token, "<letter>:<value>".
      EXPECT_NE(example.prompt.find(" " + letter + ":" + example.options[slot] + " "), std::string::npos)
          << example.prompt;
      // The judge reads the letter after the value.
      EXPECT_EQ(judge::is_correct(TaskKind::choice, example.option_continuations[slot], {letter}), true);
    }
    const size_t truth = static_cast<size_t>(example.answer[0] - 'A');
    EXPECT_EQ(training_text(example), example.prompt + example.option_continuations[truth]);
    EXPECT_FALSE(judge::is_correct(TaskKind::choice, example.option_continuations[(truth + 1) % 4], {example.answer}));
  }
}

TEST(ChoiceTask, OptionLookupsNameTheLetterOfEveryOption) {
  const auto vocabulary = all_task_words();
  const std::set<std::string> known(vocabulary.begin(), vocabulary.end());
  for (uint64_t i = 0; i < 200; ++i) {
    const auto example = make_option_lookup_example(4, i);
    ASSERT_EQ(example.options.size(), 4u);
    ASSERT_EQ(example.prompt.rfind("question : what is ", 0), 0u) << example.prompt;
    // prompt, then (" which <value>", " <letter> .") for each option once.
    ASSERT_EQ(example.training.size(), 9u);
    std::set<std::string> asked;
    for (size_t k = 1; k < example.training.size(); k += 2) {
      const std::string value = example.training[k].text.substr(7);
      EXPECT_EQ(example.training[k].text.rfind(" which ", 0), 0u);
      EXPECT_FALSE(example.training[k].supervised);
      EXPECT_TRUE(example.training[k + 1].supervised);
      const auto slot = static_cast<size_t>(example.training[k + 1].text[1] - 'A');
      ASSERT_LT(slot, 4u);
      EXPECT_EQ(example.options[slot], value) << training_text(example);
      asked.insert(value);
    }
    EXPECT_EQ(asked.size(), 4u);
    EXPECT_EQ(example.answer, example.training[2].text.substr(1, 1));
    for (const auto& w : words_of(training_text(example))) EXPECT_TRUE(known.count(w)) << w;
  }
  EXPECT_EQ(training_text(make_option_lookup_example(4, 9)), training_text(make_option_lookup_example(4, 9)));
}

TEST(ChoiceTask, LookupQueriesDrawnWithReplacement) {
  std::set<size_t> counts;
  for (uint64_t i = 0; i < 50; ++i) {
    const auto example = make_option_lookup_example(4, i, true, 6);
    ASSERT_EQ(example.training.size(), 13u);  // prompt + 6 x (" which <value>", " <letter> .")
    std::set<std::string> asked;
    for (size_t k = 1; k < example.training.size(); k += 2) {
      const std::string value = example.training[k].text.substr(7);
      const auto slot = static_cast<size_t>(example.training[k + 1].text[1] - 'A');
      EXPECT_EQ(example.options.at(slot), value);
      asked.insert(value);
    }
    counts.insert(asked.size());
  }
  EXPECT_GT(counts.size(), 1u);  // some sequences repeat an option, some do not
}

}  // namespace
}  // namespace beamline::tasks
