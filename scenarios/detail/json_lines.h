// Where each value of a JSON text starts. nlohmann::json keeps no positions, so this small
// scanner walks the raw text once more; it is used only to put line numbers into error messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scenarios/scenario.h"

namespace edgetwin::scenarios::detail {

class LineMap {
 public:
  // REQUIRES: `text` is valid JSON (it has been parsed already); on anything else the map is
  // partial but the scan stays in bounds. Duplicate keys in an object are reported in
  // duplicate_keys() (nlohmann keeps the last silently; a typo must not pass unseen).
  explicit LineMap(std::string_view text);

  // The 1-based line where the value at `pointer` starts; for a path that is not in the text
  // (a missing key), the line of its nearest ancestor that is; 0 for none.
  int line_of(std::string_view pointer) const;
  const std::vector<ScenarioError>& duplicate_keys() const { return duplicates_; }

 private:
  void value(const std::string& pointer);
  void skip_space();
  std::string read_string();  // REQUIRES: at '"'; returns the decoded string

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::unordered_map<std::string, int> lines_;
  std::vector<ScenarioError> duplicates_;
};

// "/" and "~" in a key escaped for a JSON pointer ("a/b" -> "a~1b").
std::string pointer_escape(std::string_view key);
// 1-based line and column of the byte at `offset` (clamped to the text).
void line_column(std::string_view text, std::size_t offset, int& line, int& column);

}  // namespace edgetwin::scenarios::detail
