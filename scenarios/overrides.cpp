#include "scenarios/detail/overrides.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "scenarios/detail/names.h"

namespace edgetwin::scenarios::detail {
namespace {

// "workloads.0.name" -> "/workloads/0/name"; a path starting with '/' is already a pointer.
std::string to_pointer(std::string_view path) {
  if (path.starts_with('/')) return std::string(path);
  std::string p = "/";
  for (char c : path) p += c == '.' ? '/' : c;
  return p;
}

std::vector<std::string> split_pointer(const std::string& pointer) {
  std::vector<std::string> tokens;
  for (std::size_t i = 1; i <= pointer.size();) {
    std::size_t end = pointer.find('/', i);
    if (end == std::string::npos) end = pointer.size();
    std::string t = pointer.substr(i, end - i);
    for (std::size_t k; (k = t.find("~1")) != std::string::npos;) t.replace(k, 2, "/");
    for (std::size_t k; (k = t.find("~0")) != std::string::npos;) t.replace(k, 2, "~");
    tokens.push_back(std::move(t));
    i = end + 1;
  }
  return tokens;
}

std::optional<std::size_t> array_index(const std::string& token) {
  if (token.empty() || token.size() > 9 ||
      !std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoul(token);
}

}  // namespace

void apply_override(Json& doc, const std::string& text, Diagnostics& diag) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    diag.add(ScenarioError{"", 0, "bad --set '" + text + "': expected PATH=VALUE"});
    return;
  }
  const std::string pointer = to_pointer(text.substr(0, eq));
  const std::string raw = text.substr(eq + 1);
  Json value = Json::parse(raw, nullptr, false);
  if (value.is_discarded()) value = raw;
  const auto tokens = split_pointer(pointer);
  auto fail = [&](const std::string& why) {
    diag.add(ScenarioError{pointer, 0, "bad --set '" + text + "': " + why});
  };
  if (pointer == "/" || tokens.empty()) return fail("empty path");
  Json* at = &doc;
  std::string where;
  // The declaration of the object at `at`; `free_keys`: its keys are names (device_types).
  const ObjectSpec* spec = &scenario_spec();
  bool free_keys = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    const bool last = i + 1 == tokens.size();
    const std::string shown = where.empty() ? "the top level" : where;
    const Field* field = spec && !free_keys && at->is_object() ? spec->find(t) : nullptr;
    if (at->is_object()) {
      if (last) {
        (*at)[t] = value;
        break;
      }
      const bool creatable =
          free_keys || (field && (field->kind == Kind::kObject || field->kind == Kind::kObjectMap ||
                                  field->kind == Kind::kStringMap));
      if (!at->contains(t) && !creatable) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : at->items()) keys.push_back(k);
        return fail("no key '" + t + "' at " + shown + ";" + did_you_mean(t, keys) +
                    " keys there: " + list_names(keys));
      }
      if (!at->contains(t)) (*at)[t] = Json::object();
      at = &(*at)[t];
      if (free_keys) {
        free_keys = false;  // spec stays: the entry's declaration
      } else {
        free_keys = field && field->kind == Kind::kObjectMap;
        spec = field ? field->object : nullptr;
      }
    } else if (at->is_array()) {
      const auto index = array_index(t);
      if (!index || *index >= at->size()) {
        return fail(shown + " is a list of " + std::to_string(at->size()) + " entries; '" + t +
                    "' is not an index of it");
      }
      at = &(*at)[*index];
      if (last) *at = value;
    } else {
      return fail(shown + " is " + describe(*at) + ", which has no '" + t + "'");
    }
    where += "/" + pointer_escape(t);
  }
  diag.mark_override(pointer, text);
}

}  // namespace edgetwin::scenarios::detail
