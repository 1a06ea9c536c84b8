// The JSON Schema and the reference tables of the docs, both generated from detail/params.h.
#include <algorithm>
#include <cstdint>

#include "scenarios/detail/params.h"
#include "scenarios/detail/validate.h"
#include "scenarios/scenario.h"

namespace edgetwin::scenarios {
namespace detail {
namespace {

// Accepts what the unit parsers might accept (a leading number); they check the unit.
constexpr const char* kUnitPattern = "^\\s*\\+?[0-9.]";

Json strings(const std::vector<const char*>& items) {
  Json out = Json::array();
  for (const char* i : items) out.push_back(i);
  return out;
}

// Integral bounds print as integers ("minimum": 1, not 1.0).
Json number(double v) {
  if (v == static_cast<double>(static_cast<std::int64_t>(v))) return static_cast<std::int64_t>(v);
  return v;
}

Json ref(const ObjectSpec& spec) {
  return Json{{"$ref", std::string("#/$defs/") + spec.name}};
}

Json field_schema(const Field& f) {
  Json s = Json::object();
  s["description"] = std::string(f.help) + (*f.unit ? std::string(" [") + f.unit + "]" : "");
  const Json non_empty = {{"type", "string"}, {"minLength", 1}};
  switch (f.kind) {
    case Kind::kString:
    case Kind::kName:
      s.update(non_empty);
      break;
    case Kind::kInteger:
    case Kind::kNumber:
      s["type"] = f.kind == Kind::kInteger ? "integer" : "number";
      if (f.min > -kInf) s[f.min_exclusive ? "exclusiveMinimum" : "minimum"] = number(f.min);
      if (f.max < 1e18) s["maximum"] = number(f.max);
      break;
    case Kind::kBool:
      s["type"] = "boolean";
      break;
    case Kind::kDuration:
    case Kind::kSize:
      s["type"] = "string";
      s["pattern"] = kUnitPattern;
      break;
    case Kind::kChoice:
      s["enum"] = strings(f.choices);
      break;
    case Kind::kSelector:
      s["anyOf"] = Json::array(
          {non_empty, {{"type", "array"}, {"items", non_empty}, {"minItems", 1}}});
      break;
    case Kind::kStringMap:
      s["type"] = "object";
      s["additionalProperties"] = {{"type", "string"}};
      break;
    case Kind::kObject:
      s.update(ref(*f.object));
      break;
    case Kind::kList:
      s["type"] = "array";
      s["items"] = ref(*f.object);
      if (f.min_items > 0) s["minItems"] = f.min_items;
      break;
    case Kind::kObjectMap:
      s["type"] = "object";
      s["additionalProperties"] = ref(*f.object);
      break;
  }
  if (f.default_json) s["default"] = Json::parse(f.default_json);
  return s;
}

Json object_schema(const ObjectSpec& spec) {
  Json s = {{"type", "object"}, {"description", spec.help}, {"properties", Json::object()}};
  Json required = Json::array();
  for (const Field& f : spec.fields) {
    s["properties"][f.key] = field_schema(f);
    if (f.required) required.push_back(f.key);
  }
  if (!required.empty()) s["required"] = required;
  s["additionalProperties"] = false;
  if (spec.discriminator) {
    Json all = Json::array();
    for (const Variant& v : spec.variants) {
      Json names = Json::array({spec.discriminator});
      Json alternatives = Json::array();
      for (const auto& set : v.key_sets) {
        alternatives.push_back({{"required", strings(set)}});
        for (const char* k : set) names.push_back(k);
      }
      Json then = {{"propertyNames", {{"enum", names}}}};
      if (alternatives.size() == 1) {
        then.update(alternatives[0]);
      } else {
        then["oneOf"] = alternatives;
      }
      all.push_back({{"if",
                      {{"properties", {{spec.discriminator, {{"const", v.when}}}}},
                       {"required", {spec.discriminator}}}},
                     {"then", then}});
    }
    s["allOf"] = all;
  }
  return s;
}

std::string type_text(const Field& f) {
  auto link = [](const ObjectSpec* o) {
    return std::string("[`") + o->name + "`](#" + o->name + ")";
  };
  switch (f.kind) {
    case Kind::kString: return "string";
    case Kind::kName: return "name, ranges allowed";
    case Kind::kInteger: return "integer";
    case Kind::kNumber: return "number";
    case Kind::kBool: return "boolean";
    case Kind::kDuration: return "duration";
    case Kind::kSize: return "size";
    case Kind::kChoice: {
      std::string s;
      for (const char* c : f.choices) s += (s.empty() ? "" : ", ") + std::string("`\"") + c + "\"`";
      return "one of " + s;
    }
    case Kind::kSelector: return "selector";
    case Kind::kStringMap: return "object of strings";
    case Kind::kObject: return link(f.object);
    case Kind::kList: return "list of " + link(f.object);
    case Kind::kObjectMap: return "name → " + link(f.object);
  }
  return "";
}

std::string range_text(const Field& f) {
  std::string s;
  if (f.kind == Kind::kList && f.min_items > 0) return ">= " + std::to_string(f.min_items) + " entry";
  if (f.min > -kInf) s = (f.min_exclusive ? "> " : ">= ") + number_text(f.min);
  if (f.max < 1e18) s += (s.empty() ? "" : ", ") + std::string("<= ") + number_text(f.max);
  return s;
}

}  // namespace

std::string expected_text(const Field& f) {
  switch (f.kind) {
    case Kind::kString: return "a non-empty string";
    case Kind::kName: return "a name (a non-empty string)";
    case Kind::kInteger:
      if (f.min == 1 || (f.min == 0 && f.min_exclusive)) return "a positive integer";
      return f.min == 0 ? "a non-negative integer" : "an integer";
    case Kind::kNumber:
      if (f.min == 0) return f.min_exclusive ? "a positive number" : "a non-negative number";
      return "a number";
    case Kind::kBool: return "true or false";
    case Kind::kDuration: return "a duration string such as \"250ms\" or \"2h\"";
    case Kind::kSize: return "a size string such as \"512MiB\" or \"4GB\"";
    case Kind::kChoice: {
      std::string s;
      for (const char* c : f.choices) s += (s.empty() ? "" : ", ") + Json(c).dump();
      return "one of " + s;
    }
    case Kind::kSelector: return "a site name, a glob such as \"edge-*\", or a list of those";
    case Kind::kStringMap: return "an object of string values";
    case Kind::kObject: return "an object";
    case Kind::kList: return "a list of objects";
    case Kind::kObjectMap: return "an object of objects";
  }
  return "";
}

std::string reference_markdown() {
  std::string md;
  for (const ObjectSpec* spec : all_specs()) {
    md += std::string("### `") + spec->name + "`\n\n" + spec->help + "\n\n";
    md += "| key | type | unit | default | range | meaning |\n";
    md += "| --- | --- | --- | --- | --- | --- |\n";
    for (const Field& f : spec->fields) {
      std::string def = f.required ? "required" : f.default_json ? std::string("`") + f.default_json + "`"
                                                 : *f.default_note ? f.default_note
                                                                   : "optional";
      md += std::string("| `") + f.key + "` | " + type_text(f) + " | " + f.unit + " | " + def +
            " | " + range_text(f) + " | " + f.help + " |\n";
    }
    if (spec->discriminator) {
      md += std::string("\n| `") + spec->discriminator + "` | keys | meaning |\n";
      md += "| --- | --- | --- |\n";
      for (const Variant& v : spec->variants) {
        std::string keys;
        for (const auto& set : v.key_sets) {
          std::string one;
          for (const char* k : set) one += (one.empty() ? "`" : "`, `") + std::string(k);
          keys += (keys.empty() ? "" : " or ") + one + "`";
        }
        md += std::string("| `\"") + v.when + "\"` | " + keys + " | " + v.help + " |\n";
      }
    }
    md += "\n";
  }
  return md;
}

}  // namespace detail

std::string json_schema() {
  using detail::Json;
  const auto specs = detail::all_specs();
  Json root = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
               {"title", "edgetwin scenario"}};
  root.update(detail::object_schema(*specs[0]));
  Json defs = Json::object();
  for (std::size_t i = 1; i < specs.size(); ++i) defs[specs[i]->name] = detail::object_schema(*specs[i]);
  root["$defs"] = defs;
  return root.dump(2) + "\n";
}

}  // namespace edgetwin::scenarios
