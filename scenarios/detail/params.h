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
  kRate,       // a rate string ("100Mbps"); min in bits per second
  kChoice,     // one of `choices`
  kSelector,   // a name, a glob with * and ?, or a non-empty list of those
  kStringMap,  // an object of string values (labels)
  kObject,     // an object described by `object`
  kList,       // an array of objects described by `object`, at least `min_items` long
  kObjectMap,  // an object whose keys are free names and whose values are `object`s
  kValueList,  // an array of values, each one checked as the Field `item`; min_items..max_items
  kEither,     // a string checked as `scalar` (a choice, duration or size: the Field's own
               // choices, unit and range apply), or an object described by `object`
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
  const ObjectSpec* object = nullptr;     // kObject, kList, kObjectMap, kEither
  int min_items = 0;                      // kList, kValueList, kSelector lists
  int max_items = 0;                      // kValueList; 0: no limit
  const char* default_note = "";  // a computed default, for the docs ("the device type")
  const Field* item = nullptr;    // kValueList: what each element is
  Kind scalar = Kind::kString;    // kEither: what the string form is
  // The values of the object's kind key (ObjectSpec::kind_key) for which this key exists; empty:
  // all. Elsewhere the key is an error, and it is neither required nor defaulted.
  std::vector<const char*> only_for = {};
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
  // The key whose value decides which keys exist (Field::only_for), and what the object is
  // called in messages ("'peer' is not a key of a requests workload").
  const char* kind_key = nullptr;
  const char* noun = "";
  const Field* find(std::string_view key) const;
  // True iff field `f` exists when the kind key is `kind`.
  static bool applies(const Field& f, std::string_view kind);
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
