#pragma once
// Text normalisation and extraction used by the judges. ASCII-oriented like
// the reference scripts they mirror (SQuAD's evaluate-v2.0.py, GSM8K's
// "#### N" answers); non-ASCII bytes pass through unchanged.
#include <optional>
#include <string>
#include <string_view>

namespace beamline::judge {

// SQuAD normalisation: lower-case, drop ASCII punctuation, drop the articles
// a/an/the, collapse whitespace to single spaces, trim.
std::string squad_normalize(std::string_view text);

// The last number in the text ("-1,234.50" -> -1234.5), or nothing. A GSM8K
// style "#### N" marker, when present, wins: the first number after it.
std::optional<double> final_number(std::string_view text);

// The option letter an output chooses among `option_count` options (A, B,
// ...): a leading letter ("B", "B)", "(B) text"), else one after "answer is"
// / "answer:", else the first standalone option letter. Nothing if none.
std::optional<char> chosen_option(std::string_view text, int option_count);

std::string_view trim(std::string_view text);

}  // namespace beamline::judge
