#pragma once
// The closed vocabulary of the generated tasks. Every generated text is
// lower-case words and punctuation separated by single spaces, drawn from
// these lists, so a WordLevel tokenizer over all_task_words() encodes it
// exactly and decodes it back by joining tokens with spaces.
#include <string>
#include <vector>

namespace beamline::tasks {

const std::vector<std::string>& person_names();  // made-up entity names
const std::vector<std::string>& places();        // made-up place names
const std::vector<std::string>& jobs();
const std::vector<std::string>& colors();
const std::vector<std::string>& animals();
const std::vector<std::string>& countable_things();  // "apples", "coins", ...

// Largest number a math problem mentions or answers; numbers 0..max are
// single tokens.
constexpr int kMaxTaskNumber = 99;

// A choice option as one token, its letter and value fused: "A:yellow".
// One token per option lets the answer's letter be read off the option
// whose value matches, with no second token to fetch (choice_task.cpp).
std::string option_token(char letter, const std::string& value);

// Every word and symbol any generator emits, without duplicates, in a
// stable order (the tokenizer's id order follows it).
std::vector<std::string> all_task_words();

}  // namespace beamline::tasks
