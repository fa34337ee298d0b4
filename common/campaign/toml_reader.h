#pragma once
// Typed, located access to one TOML table of a campaign file. Every error
// names the file, the line and the key path ("model[1].dtype"), so a user
// can go straight to the mistake. Unknown keys are errors too: a typo must
// not silently fall back to a default.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace beamline::campaign {

class TomlReader {
 public:
  // `key_path` names this table in messages ("" for the root, "model[0]").
  TomlReader(const toml::table& table, std::string file, std::string key_path);

  std::optional<std::string> string(std::string_view key) const;
  std::optional<int64_t> integer(std::string_view key) const;
  std::optional<double> number(std::string_view key) const;  // integer or float
  std::optional<std::vector<std::string>> strings(std::string_view key) const;
  std::optional<std::vector<double>> numbers(std::string_view key) const;

  std::string required_string(std::string_view key) const;
  int64_t required_integer(std::string_view key) const;
  // A string that must be one of `names` (the message lists them).
  std::optional<std::string> choice(std::string_view key, const std::vector<std::string>& names) const;

  // A sub-table; nullopt when absent; an error when the key holds something else.
  std::optional<TomlReader> table(std::string_view key) const;
  // An array of tables ([[model]]); empty when absent.
  std::vector<TomlReader> tables(std::string_view key) const;

  bool has(std::string_view key) const;
  void reject_unknown_keys(std::initializer_list<std::string_view> allowed) const;

  // Throws beamline::Error "FILE:LINE: KEYPATH: message", at the key's line
  // when it is present, else at the table's.
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_table(const std::string& message) const;

  const std::string& file() const { return file_; }
  std::string key_path(std::string_view key) const;

 private:
  const toml::table* table_;
  std::string file_;
  std::string key_path_;
};

}  // namespace beamline::campaign
