#include "worker/judge/judges.h"

#include <gtest/gtest.h>

#include "worker/judge/text_normalize.h"

namespace beamline::judge {
namespace {

TEST(SquadNormalize, DropsCasePunctuationArticlesAndExtraSpace) {
  EXPECT_EQ(squad_normalize("  The Eiffel-Tower, in PARIS!  "), "eiffeltower in paris");
  EXPECT_EQ(squad_normalize("a an the"), "");
  EXPECT_EQ(squad_normalize("theory"), "theory");  // articles only as whole words
}

TEST(QaJudge, AnswerContainedOnWordBoundaries) {
  EXPECT_TRUE(is_correct(TaskKind::qa, "There are 5 people.", {"5 people"}));
  EXPECT_TRUE(is_correct(TaskKind::qa, "The number of people is 5", {"5"}));
  EXPECT_FALSE(is_correct(TaskKind::qa, "There are 15 people", {"5"}));
  EXPECT_FALSE(is_correct(TaskKind::qa, "There are 4 people", {"5"}));
  EXPECT_TRUE(is_correct(TaskKind::qa, "It was Denver.", {"Boston", "denver"}));
}

TEST(FinalNumber, TakesTheLastNumberOrTheGsm8kMarker) {
  EXPECT_EQ(final_number("3 apples and 4 pears make 7"), 7.0);
  EXPECT_EQ(final_number("It costs $1,234.50."), 1234.5);
  EXPECT_EQ(final_number("Loss: -12 dollars"), -12.0);
  EXPECT_EQ(final_number("so 5 - 3 = 2"), 2.0);
  EXPECT_EQ(final_number("2 + 2 = 4\n#### 4 (checked 3 times)"), 4.0);
  EXPECT_FALSE(final_number("no numbers here").has_value());
}

TEST(MathJudge, ComparesFinalNumbers) {
  EXPECT_TRUE(is_correct(TaskKind::math, "She has 3 + 4 = 7 apples. The answer is 7.", {"#### 7"}));
  EXPECT_TRUE(is_correct(TaskKind::math, "Total: 1,000", {"1000"}));
  EXPECT_FALSE(is_correct(TaskKind::math, "The answer is 8", {"7"}));
  EXPECT_FALSE(is_correct(TaskKind::math, "I do not know", {"7"}));
}

TEST(ChosenOption, ReadsTheLetterInCommonForms) {
  EXPECT_EQ(chosen_option("B", 4), 'B');
  EXPECT_EQ(chosen_option("(C) Paris", 4), 'C');
  EXPECT_EQ(chosen_option("D. Rome", 4), 'D');
  EXPECT_EQ(chosen_option("I think the answer is A", 4), 'A');
  EXPECT_EQ(chosen_option("Answer: C", 4), 'C');
  EXPECT_FALSE(chosen_option("E", 4).has_value());
  EXPECT_FALSE(chosen_option("Amsterdam", 4).has_value());
}

TEST(ChoiceJudge, ComparesOptionLetters) {
  EXPECT_TRUE(is_correct(TaskKind::choice, " B) Berlin", {"B"}));
  EXPECT_FALSE(is_correct(TaskKind::choice, "A", {"B"}));
}

TEST(ExactJudge, IgnoresSurroundingWhitespaceOnly) {
  EXPECT_TRUE(is_correct(TaskKind::exact, " hello world\n", {"hello world"}));
  EXPECT_FALSE(is_correct(TaskKind::exact, "Hello world", {"hello world"}));
}

}  // namespace
}  // namespace beamline::judge
