// The scenario format, declared once (STYLE.md, habit 8). Each object of the format is an
// ObjectSpec: a list of Fields with key, kind, unit, default, range and help text. The validator
// (detail/validate.cpp), the JSON Schema (json_schema()) and the reference tables of
// docs/scenarios.md (reference_markdown()) all walk these declarations.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace edgetwin::scenarios::detail {

struct ObjectSpec;

enum class Kind {
  kString,     // any non-empty string
  kName,       // a name; may hold ranges "edge-{1..50}" where the object allows (see expand_name)
  kInteger,    // a JSON integer within [min, max]
  kNumber,     // a JSON number within [min, max]
  kBool,
  kDuration,   // a duration string ("250ms"); min/max in seconds
  kSize,       // a size string ("512MiB"); min in bytes
  kChoice,     // one of `choices`
  kSelector,   // a name, a glob with * and ?, or a non-empty list of those
  kStringMap,  // an object of string values (labels)
  kObject,     // an object described by `object`
  kList,       // an array of objects described by `object`, at least `min_items` long
  kObjectMap,  // an object whose keys are free names and whose values are `object`s
};

inline constexpr double kInf = std::numeric_limits<double>::infinity();

struct Field {
  const char* key = "";
  Kind kind = Kind::kString;
  bool required = false;
  const char* help = "";
  const char* default_json = nullptr;  // the default as JSON text; nullptr: none
  const char* unit = "";          // for the docs: "s", "1/s", "W", ...
  double min = -kInf;             // inclusive unless min_exclusive
  bool min_exclusive = false;
  double max = kInf;              // inclusive
  std::vector<const char*> choices = {};  // kChoice
  const ObjectSpec* object = nullptr;     // kObject, kList, kObjectMap
  int min_items = 0;                      // kList, kSelector lists
  const char* default_note = "";  // a computed default, for the docs ("the device type")
};

// An object whose allowed parameters depend on one discriminator field (a distribution's
// "distribution"): for each value, one or more alternative sets of keys, exactly one of which
// must be given in full.
struct Variant {
  const char* when = "";
  std::vector<std::vector<const char*>> key_sets;
  const char* help = "";
};

struct ObjectSpec {
  const char* name = "";  // $defs name in the schema, heading in the docs
  const char* help = "";
  std::vector<Field> fields;
  const char* discriminator = nullptr;
  std::vector<Variant> variants = {};
  const Field* find(std::string_view key) const;
};

// The root object of a scenario file; everything else is reachable from it.
const ObjectSpec& scenario_spec();
// Every ObjectSpec reachable from the root, root first, each once, in declaration order.
std::vector<const ObjectSpec*> all_specs();

// The reference tables of docs/scenarios.md (one per object), in Markdown.
std::string reference_markdown();

// "a positive integer", "a duration string such as \"250ms\"", ...: what a field expects.
std::string expected_text(const Field& f);

}  // namespace edgetwin::scenarios::detail
