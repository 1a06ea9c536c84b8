// The generic half of validation: checks a JSON value against an ObjectSpec (kinds, ranges,
// choices, required and unknown keys, distribution variants) and fills in defaults. The checks
// that need more than one value (names, selectors, device types) are in builder.h.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/detail/json_lines.h"
#include "scenarios/detail/params.h"
#include "scenarios/scenario.h"

namespace edgetwin::scenarios::detail {

using Json = nlohmann::ordered_json;

// Collects errors, giving each the line of its path and marking values that came from --set.
class Diagnostics {
 public:
  explicit Diagnostics(const LineMap* lines) : lines_(lines) {}
  // Values at or below `pointer` came from the override `text` ("seed=7"), not from the file.
  void mark_override(std::string pointer, std::string text);
  void add(const std::string& path, std::string message);
  void add(ScenarioError e) { errors_.push_back(std::move(e)); }
  const std::vector<ScenarioError>& errors() const { return errors_; }
  std::size_t count() const { return errors_.size(); }

 private:
  const LineMap* lines_;
  std::vector<std::pair<std::string, std::string>> overrides_;
  std::vector<ScenarioError> errors_;
};

// `value` checked against `spec`, with every default filled in and keys in declaration order.
// Errors go to `diag`; an invalid value is copied as it is (the result is used only when there
// is no error at all).
Json resolve_object(const Json& value, const ObjectSpec& spec, const std::string& path,
                    Diagnostics& diag);

// `the string "5"`, `-5`, `a list`: a value as an error message shows it.
std::string describe(const Json& v);
// A number without trailing zeros ("0.8", "1e+06").
std::string number_text(double v);

}  // namespace edgetwin::scenarios::detail
