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
  if (f.kind == Kind::kEither) {
    Field scalar = f;
    scalar.kind = f.scalar;
    Json one = field_schema(scalar);
    one.erase("description");
    one.erase("default");
    s["anyOf"] = Json::array({one, ref(*f.object)});
    if (f.default_json) s["default"] = Json::parse(f.default_json);
    return s;
  }
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
    case Kind::kRate:
      s["type"] = "string";
      s["pattern"] = kUnitPattern;
      break;
    case Kind::kValueList: {
      s["type"] = "array";
      Json items = field_schema(*f.item);
      items.erase("description");
      s["items"] = items;
      if (f.min_items > 0) s["minItems"] = f.min_items;
      if (f.max_items > 0) s["maxItems"] = f.max_items;
      break;
    }
    case Kind::kEither:
      break;  // above
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
    if (f.required && f.only_for.empty()) required.push_back(f.key);
  }
  if (!required.empty()) s["required"] = required;
  s["additionalProperties"] = false;
  Json all = Json::array();
  if (spec.kind_key) {
    // Per kind: the keys of other kinds are forbidden, and its own required keys required. The
    // default kind also applies when the kind key is left out.
    const Field* kf = spec.find(spec.kind_key);
    for (const char* kind : kf->choices) {
      const bool is_default = kf->default_json && Json::parse(kf->default_json) == kind;
      Json when = {{"properties", {{spec.kind_key, {{"const", kind}}}}}};
      if (!is_default) when["required"] = {spec.kind_key};
      Json then = Json::object();
      Json kind_required = Json::array();
      for (const Field& f : spec.fields) {
        if (f.only_for.empty()) continue;
        if (!ObjectSpec::applies(f, kind)) {
          then["properties"][f.key] = false;
        } else if (f.required) {
          kind_required.push_back(f.key);
        }
      }
      if (!kind_required.empty()) then["required"] = kind_required;
      all.push_back({{"if", when}, {"then", then}});
    }
  }
  if (spec.discriminator) {
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
  }
  if (!all.empty()) s["allOf"] = all;
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
    case Kind::kRate: return "rate";
    case Kind::kChoice: {
      std::string s;
      for (const char* c : f.choices) s += (s.empty() ? "" : ", ") + std::string("`\"") + c + "\"`";
      return "one of " + s;
    }
    case Kind::kValueList: {
      std::string n = f.min_items == f.max_items ? std::to_string(f.min_items) + " × " : "";
      return "list of " + n + type_text(*f.item);
    }
    case Kind::kEither: {
      Field scalar = f;
      scalar.kind = f.scalar;
      return type_text(scalar) + ", or " + link(f.object);
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
  if (f.kind == Kind::kValueList) {
    if (f.min_items == f.max_items) return "";
    return f.min_items > 0 ? ">= " + std::to_string(f.min_items) + " entries" : "";
  }
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
    case Kind::kRate: return "a rate string such as \"100Mbps\" or \"1Gbps\"";
    case Kind::kValueList: {
      const std::string n = f.min_items == f.max_items ? "exactly " + std::to_string(f.min_items)
                                                       : "";
      return "a list of " + (n.empty() ? "" : n + " ") + "values, each " + expected_text(*f.item);
    }
    case Kind::kEither: {
      Field scalar = f;
      scalar.kind = f.scalar;
      return expected_text(scalar) + ", or an object";
    }
    case Kind::kChoice: {
      std::string s;
      for (const char* c : f.choices) s += (s.empty() ? "" : ", ") + Json(c).dump();
      return "one of " + s;
    }
    case Kind::kSelector: return "a name, a glob such as \"edge-*\", or a list of those";
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
      std::string kinds;
      for (const char* k : f.only_for) kinds += (kinds.empty() ? "" : ", ") + std::string(k);
      if (!kinds.empty()) kinds = "*" + kinds + ":* ";
      md += std::string("| `") + f.key + "` | " + type_text(f) + " | " + f.unit + " | " + def +
            " | " + range_text(f) + " | " + kinds + f.help + " |\n";
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
