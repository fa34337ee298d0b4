#define PCRE2_CODE_UNIT_WIDTH 8
#include "worker/tokenizer/regex.h"

#include <pcre2.h>

#include "common/error.h"
#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {
namespace {

constexpr std::size_t kErrorMessageSize = 256;

pcre2_code* as_code(const std::shared_ptr<void>& code) { return static_cast<pcre2_code*>(code.get()); }

struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};

}  // namespace

Regex::Regex(const std::string& pattern) : pattern_(pattern) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[kErrorMessageSize];
    pcre2_get_error_message(error_code, message, kErrorMessageSize);
    throw Error("invalid regex /" + pattern + "/ at offset " + std::to_string(error_offset) +
                ": " + reinterpret_cast<const char*>(message));
  }
  // JIT is an optimisation only; without it pcre2_match interprets.
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  code_ = std::shared_ptr<void>(code, [](void* p) { pcre2_code_free(static_cast<pcre2_code*>(p)); });
}

std::vector<ByteRange> Regex::find_all(std::string_view text) const {
  std::vector<ByteRange> matches;
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> data(
      pcre2_match_data_create_from_pattern(as_code(code_), nullptr));
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t start = 0;
  while (start <= text.size()) {
    const int rc = pcre2_match(as_code(code_), subject, text.size(), start, PCRE2_NO_UTF_CHECK,
                               data.get(), nullptr);
    if (rc < 0) {
      if (rc == PCRE2_ERROR_NOMATCH) break;
      throw Error("regex /" + pattern_ + "/ failed to match (PCRE2 error " + std::to_string(rc) + ")");
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
    const ByteRange match{ovector[0], ovector[1]};
    matches.push_back(match);
    if (match.end > match.begin) {
      start = match.end;
    } else if (match.end < text.size()) {
      start = match.end + utf8::decode_at(text, match.end).length;  // step over one character
    } else {
      break;
    }
  }
  return matches;
}

std::string Regex::replace_all(std::string_view text, std::string_view replacement) const {
  std::string out;
  std::size_t copied = 0;
  for (const ByteRange& match : find_all(text)) {
    out.append(text.substr(copied, match.begin - copied));
    out.append(replacement);
    copied = match.end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace beamline::tokenizer
