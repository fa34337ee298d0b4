#include "worker/judge/text_normalize.h"

#include <cctype>
#include <cstdlib>
#include <vector>

namespace beamline::judge {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

bool is_article(std::string_view word) { return word == "a" || word == "an" || word == "the"; }

// Parses the number that starts at text[start] (a digit or a '-' before a
// digit); thousands separators are commas between digit groups.
double parse_number_at(std::string_view text, size_t start, size_t* end) {
  std::string digits;
  size_t i = start;
  if (text[i] == '-') digits.push_back(text[i++]);
  bool seen_dot = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      digits.push_back(c);
    } else if (c == ',' && i + 1 < text.size() && is_digit(text[i + 1]) && !seen_dot) {
      continue;
    } else if (c == '.' && !seen_dot && i + 1 < text.size() && is_digit(text[i + 1])) {
      seen_dot = true;
      digits.push_back(c);
    } else {
      break;
    }
  }
  *end = i;
  return std::strtod(digits.c_str(), nullptr);
}

// The last number at or after `from`, or with first_only the first one.
std::optional<double> number_from(std::string_view text, size_t from, bool first_only) {
  std::optional<double> last;
  size_t i = from;
  while (i < text.size()) {
    const bool starts_negative = text[i] == '-' && i + 1 < text.size() && is_digit(text[i + 1]) &&
                                 (i == 0 || !is_digit(text[i - 1]));
    if (is_digit(text[i]) || starts_negative) {
      size_t end = i;
      last = parse_number_at(text, i, &end);
      if (first_only) return last;
      i = end;
    } else {
      ++i;
    }
  }
  return last;
}

bool is_option_letter(char c, int option_count) { return c >= 'A' && c < 'A' + option_count; }

// A letter standing alone: not part of a longer word.
bool standalone_at(std::string_view text, size_t i) {
  const bool left_ok = i == 0 || !is_alpha(text[i - 1]);
  const bool right_ok = i + 1 >= text.size() || !is_alpha(text[i + 1]);
  return left_ok && right_ok;
}

std::optional<char> first_standalone_option(std::string_view text, int option_count) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (is_option_letter(text[i], option_count) && standalone_at(text, i)) return text[i];
  }
  return std::nullopt;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string squad_normalize(std::string_view text) {
  std::string cleaned;
  cleaned.reserve(text.size());
  for (char c : text) {
    if (std::ispunct(static_cast<unsigned char>(c))) continue;
    cleaned.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  std::string out;
  size_t i = 0;
  while (i < cleaned.size()) {
    while (i < cleaned.size() && is_space(cleaned[i])) ++i;
    const size_t start = i;
    while (i < cleaned.size() && !is_space(cleaned[i])) ++i;
    const std::string_view word(cleaned.data() + start, i - start);
    if (word.empty() || is_article(word)) continue;
    if (!out.empty()) out.push_back(' ');
    out.append(word);
  }
  return out;
}

std::optional<double> final_number(std::string_view text) {
  const size_t marker = text.rfind("####");
  if (marker != std::string_view::npos) {
    if (auto after = number_from(text, marker + 4, /*first_only=*/true)) return after;
  }
  return number_from(text, 0, /*first_only=*/false);
}

std::optional<char> chosen_option(std::string_view text, int option_count) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  // "(B) ..." or "B) ..." or "B" or "B. ...".
  size_t lead = text.front() == '(' ? 1 : 0;
  if (lead < text.size() && is_option_letter(text[lead], option_count) && standalone_at(text, lead)) {
    return text[lead];
  }
  const std::string lowered = lower_ascii(text);
  for (const std::string_view cue : {"answer is", "answer:"}) {
    const size_t at = lowered.find(cue);
    if (at == std::string::npos) continue;
    if (auto letter = first_standalone_option(text.substr(at + cue.size()), option_count)) return letter;
  }
  return first_standalone_option(text, option_count);
}

}  // namespace beamline::judge
