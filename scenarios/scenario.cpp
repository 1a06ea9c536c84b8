// Loading a scenario: parse, apply --set overrides (overrides.cpp), check against the
// declarations (validate.cpp), then the checks that span values (names, selectors, device
// types; detail/builder.h), and only then build the FleetConfig.
#include "scenarios/scenario.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/embedded.h"
#include "scenarios/detail/overrides.h"
#include "scenarios/detail/validate.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios {
namespace {

using detail::Diagnostics;
using detail::Json;

// Deeper documents are refused before parsing: no scenario needs them, and recursive walkers
// (ours and the JSON library's) would exhaust the stack.
constexpr int kMaxDepth = 64;

// The byte offset where nesting first exceeds kMaxDepth, if it does.
std::optional<std::size_t> too_deep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::nullopt;
}

LoadResult load_text(std::string_view text, std::string_view source,
                     const std::vector<std::string>& overrides,
                     const std::filesystem::path& base_dir) {
  LoadResult result;
  result.source = std::string(source);
  if (auto deep = too_deep(text)) {
    int line = 0, column = 0;
    detail::line_column(text, *deep, line, column);
    result.errors.push_back({"", line,
                             "JSON nested deeper than " + std::to_string(kMaxDepth) +
                                 " levels at line " + std::to_string(line) + ", column " +
                                 std::to_string(column)});
    return result;
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::out_of_range& e) {  // e.g. a number beyond double's range
    std::string what = e.what();
    if (auto bracket = what.find("] "); bracket != std::string::npos)
      what = what.substr(bracket + 2);
    result.errors.push_back({"", 0, "invalid JSON: " + what});
    return result;
  } catch (const Json::parse_error& e) {
    int line = 0, column = 0;
    detail::line_column(text, e.byte > 0 ? e.byte - 1 : 0, line, column);
    std::string what = e.what();
    // nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    result.errors.push_back({"", line,
                             "invalid JSON at line " + std::to_string(line) + ", column " +
                                 std::to_string(column) + ": " + what});
    return result;
  }
  const detail::LineMap lines(text);
  Diagnostics diag(&lines);
  for (const ScenarioError& e : lines.duplicate_keys()) diag.add(e);
  if (!doc.is_object()) {
    diag.add("", "a scenario is a JSON object ({ \"name\": ..., \"sites\": ... }), got " +
                     detail::describe(doc));
  } else {
    for (const std::string& o : overrides) detail::apply_override(doc, o, diag);
    Json resolved = detail::resolve_object(doc, detail::scenario_spec(), "", diag);
    models::FleetConfig fleet;
    detail::Builder(resolved, diag, base_dir).run(fleet);
    if (diag.count() == 0) {
      result.scenario = Scenario{resolved["name"].get<std::string>(), result.source,
                                 resolved.dump(2), std::move(fleet)};
    }
  }
  result.errors = diag.errors();
  // File order; errors without a line (whole file, --set) first.
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const ScenarioError& a, const ScenarioError& b) { return a.line < b.line; });
  return result;
}

}  // namespace

std::string ScenarioError::format(std::string_view file) const {
  std::string s(file);
  if (line > 0) s += ":" + std::to_string(line);
  s += ": ";
  if (!path.empty()) s += path + ": ";
  return s + message;
}

std::string LoadResult::error_text() const {
  constexpr std::size_t kShown = 100;
  std::string s;
  for (std::size_t i = 0; i < errors.size() && i < kShown; ++i)
    s += errors[i].format(source) + "\n";
  if (errors.size() > kShown) {
    s += source + ": ... and " + std::to_string(errors.size() - kShown) + " more errors\n";
  }
  return s;
}

LoadResult load_scenario_text(std::string_view text, std::string_view source,
                              const std::vector<std::string>& overrides) {
  return load_text(text, source, overrides, "");
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::string text;
  if (const char* problem = detail::read_text_file(path, text)) {
    LoadResult result;
    result.source = path;
    result.errors.push_back({"", 0, "cannot read scenario file '" + path + "': " + problem});
    return result;
  }
  return load_text(text, path, overrides, std::filesystem::path(path).parent_path());
}

LoadResult load_default_scenario(const std::vector<std::string>& overrides) {
  return load_scenario_text(default_scenario_text(), "<default>", overrides);
}

std::string_view default_scenario_text() { return detail::embedded_default_scenario(); }

}  // namespace edgetwin::scenarios
