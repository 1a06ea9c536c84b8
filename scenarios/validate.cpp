#include "scenarios/detail/validate.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "scenarios/detail/names.h"
#include "sim/units.h"

namespace edgetwin::scenarios::detail {
namespace {

// The keys of `spec`; with a kind, only those that exist for that kind.
std::vector<std::string> keys_of(const ObjectSpec& spec,
                                 const std::optional<std::string>& kind = std::nullopt) {
  std::vector<std::string> keys;
  for (const Field& f : spec.fields) {
    if (!kind || ObjectSpec::applies(f, *kind)) keys.emplace_back(f.key);
  }
  return keys;
}

const char* article(std::string_view word) {
  return !word.empty() && std::string_view("aeiou").find(word[0]) != std::string_view::npos
             ? "an"
             : "a";
}

std::string join(const std::vector<const char*>& items, const char* sep) {
  std::string s;
  for (const char* i : items) s += (s.empty() ? "" : sep) + std::string(i);
  return s;
}

// The value's range check, for numbers and durations (in seconds). Returns "" when in range.
std::string range_problem(const Field& f, double v) {
  if (v < f.min || (f.min_exclusive && v == f.min)) {
    return f.min_exclusive ? "must be greater than " + number_text(f.min)
                           : "must be at least " + number_text(f.min);
  }
  if (v > f.max) return "must be at most " + number_text(f.max);
  return "";
}

class Walker {
 public:
  explicit Walker(Diagnostics& diag) : diag_(diag) {}

  Json object(const Json& value, const ObjectSpec& spec, const std::string& path) {
    // The object's kind, when it has a kind key; nullopt when that is invalid (reported below),
    // and then the keys that depend on it are copied unchecked.
    std::optional<std::string> kind;
    if (spec.kind_key) {
      const Field* kf = spec.find(spec.kind_key);
      const Json k = value.contains(kf->key)  ? value[kf->key]
                     : kf->default_json       ? Json::parse(kf->default_json)
                                              : Json();
      if (k.is_string() && std::any_of(kf->choices.begin(), kf->choices.end(), [&](const char* c) {
            return k.get_ref<const std::string&>() == c;
          })) {
        kind = k.get<std::string>();
      }
    }
    for (const auto& [key, v] : value.items()) {
      const Field* f = spec.find(key);
      if (!f) {
        // A value of the kind key written as a key ({"azure_trace": "a.csv"}): say how to pick it.
        const Field* kf = spec.kind_key ? spec.find(spec.kind_key) : nullptr;
        const bool is_kind =
            kf && std::any_of(kf->choices.begin(), kf->choices.end(),
                              [&](const char* c) { return key == c; });
        diag_.add(path + "/" + pointer_escape(key),
                  "unknown key '" + key + "';" +
                      (is_kind ? " '" + key + "' is " + article(key) + " " + spec.noun +
                                     ": give \"" + kf->key + "\": \"" + key +
                                     "\" and its keys;"
                               : did_you_mean(key, keys_of(spec, kind))) +
                      " valid keys here: " + list_names(keys_of(spec, kind), 99));
      } else if (kind && !ObjectSpec::applies(*f, *kind)) {
        diag_.add(path + "/" + pointer_escape(key),
                  "'" + key + "' is not a key of " + article(*kind) + " " + *kind + " " +
                      spec.noun + " (keys of " + article(*kind) + " " + *kind + " " + spec.noun +
                      ": " + list_names(keys_of(spec, kind), 99) + ")");
      }
    }
    Json out = Json::object();
    for (const Field& f : spec.fields) {
      const std::string child = path + "/" + pointer_escape(f.key);
      const auto it = value.find(f.key);
      if (spec.kind_key && !f.only_for.empty() && (!kind || !ObjectSpec::applies(f, *kind))) {
        if (it != value.end()) out[f.key] = *it;  // reported, or its kind is: copied as it is
        continue;
      }
      if (it != value.end()) {
        out[f.key] = field(*it, f, child);
      } else if (f.default_json) {
        out[f.key] = field(Json::parse(f.default_json), f, child);
      } else if (f.required) {
        diag_.add(child, std::string("missing required key '") + f.key + "' (" + f.help + ")");
      }
    }
    if (spec.discriminator) variants(out, spec, path);
    return out;
  }

 private:
  void expected(const Json& v, const Field& f, const std::string& path) {
    diag_.add(path, "expected " + expected_text(f) + ", got " + describe(v));
  }

  Json field(const Json& v, const Field& f, const std::string& path) {
    switch (f.kind) {
      case Kind::kString:
      case Kind::kName:
        if (!v.is_string() || v.get_ref<const std::string&>().empty()) expected(v, f, path);
        return v;
      case Kind::kInteger:
        // Below the minimum reads best as the kind ("expected a positive integer, got -5").
        if (!v.is_number_integer() || v.get<double>() < f.min) {
          expected(v, f, path);
        } else if (auto p = range_problem(f, v.get<double>()); !p.empty()) {
          diag_.add(path, p + ", got " + describe(v));
        }
        return v;
      case Kind::kNumber:
        if (!v.is_number()) {
          expected(v, f, path);
        } else if (auto p = range_problem(f, v.get<double>()); !p.empty()) {
          diag_.add(path, p + ", got " + describe(v));
        }
        return v;
      case Kind::kBool:
        if (!v.is_boolean()) expected(v, f, path);
        return v;
      case Kind::kDuration:
      case Kind::kSize:
      case Kind::kRate:
        unit_string(v, f, path);
        return v;
      case Kind::kChoice:
        if (!v.is_string()) {
          expected(v, f, path);
        } else if (std::none_of(f.choices.begin(), f.choices.end(), [&](const char* c) {
                     return v.get_ref<const std::string&>() == c;
                   })) {
          const std::string s = v.get<std::string>();
          diag_.add(path, std::string("unknown ") + f.key + " '" + s + "';" +
                              did_you_mean(s, {f.choices.begin(), f.choices.end()}) +
                              " expected " + expected_text(f));
        }
        return v;
      case Kind::kSelector:
        selector(v, f, path);
        return v;
      case Kind::kStringMap:
        if (!v.is_object()) {
          expected(v, f, path);
        } else {
          for (const auto& [k, s] : v.items()) {
            if (!s.is_string()) {
              diag_.add(path + "/" + pointer_escape(k),
                        "expected a string label value, got " + describe(s));
            }
          }
        }
        return v;
      case Kind::kObject:
        if (!v.is_object()) {
          expected(v, f, path);
          return v;
        }
        return object(v, *f.object, path);
      case Kind::kList: {
        if (!v.is_array()) {
          expected(v, f, path);
          return v;
        }
        if (v.size() < static_cast<std::size_t>(f.min_items)) {
          diag_.add(path, "expected at least " + std::to_string(f.min_items) +
                              (f.min_items == 1 ? " entry" : " entries") + " in '" + f.key +
                              "', got " +
                              (v.empty() ? std::string("an empty list") : std::to_string(v.size())));
        }
        Json out = Json::array();
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string child = path + "/" + std::to_string(i);
          if (!v[i].is_object()) {
            diag_.add(child, std::string("expected an object (") + f.object->help + "), got " +
                                 describe(v[i]));
            out.push_back(v[i]);
          } else {
            out.push_back(object(v[i], *f.object, child));
          }
        }
        return out;
      }
      case Kind::kValueList: {
        if (!v.is_array()) {
          expected(v, f, path);
          return v;
        }
        const auto n = v.size();
        const auto lo = static_cast<std::size_t>(f.min_items);
        const auto hi = static_cast<std::size_t>(f.max_items);
        if (n < lo || (hi > 0 && n > hi)) {
          const std::string want = lo == hi ? "exactly " + std::to_string(lo)
                                   : n < lo ? "at least " + std::to_string(lo)
                                            : "at most " + std::to_string(hi);
          diag_.add(path, "expected " + want + (lo == 1 && hi == 1 ? " entry" : " entries") +
                              " in '" + f.key + "', got " + std::to_string(n));
        }
        Json out = Json::array();
        for (std::size_t i = 0; i < n; ++i) {
          out.push_back(field(v[i], *f.item, path + "/" + std::to_string(i)));
        }
        return out;
      }
      case Kind::kEither: {
        if (v.is_object()) return object(v, *f.object, path);
        if (!v.is_string()) {
          expected(v, f, path);
          return v;
        }
        Field scalar = f;
        scalar.kind = f.scalar;
        return field(v, scalar, path);
      }
      case Kind::kObjectMap: {
        if (!v.is_object()) {
          expected(v, f, path);
          return v;
        }
        Json out = Json::object();
        for (const auto& [k, item] : v.items()) {
          const std::string child = path + "/" + pointer_escape(k);
          if (!item.is_object()) {
            diag_.add(child, "expected an object, got " + describe(item));
            out[k] = item;
          } else {
            out[k] = object(item, *f.object, child);
          }
        }
        return out;
      }
    }
    return v;
  }

  void unit_string(const Json& v, const Field& f, const std::string& path) {
    if (!v.is_string()) {
      std::string hint;
      if (v.is_number() && f.kind == Kind::kDuration) hint = " (write e.g. \"" + v.dump() + "s\")";
      if (v.is_number() && f.kind == Kind::kSize) hint = " (write e.g. \"" + v.dump() + "B\")";
      if (v.is_number() && f.kind == Kind::kRate) hint = " (write e.g. \"" + v.dump() + "Mbps\")";
      diag_.add(path, "expected " + expected_text(f) + ", got " + describe(v) + hint);
      return;
    }
    const std::string& s = v.get_ref<const std::string&>();
    double amount = 0;
    if (f.kind == Kind::kDuration) {
      const auto parsed = sim::parse_duration(s);
      if (!parsed.ok()) return diag_.add(path, parsed.error);
      amount = sim::to_seconds(parsed.value);
    } else if (f.kind == Kind::kRate) {
      const auto parsed = sim::parse_rate(s);
      if (!parsed.ok()) return diag_.add(path, parsed.error);
      amount = parsed.value;
    } else {
      const auto parsed = sim::parse_size(s);
      if (!parsed.ok()) return diag_.add(path, parsed.error);
      amount = static_cast<double>(parsed.value);
    }
    if (auto p = range_problem(f, amount); !p.empty()) diag_.add(path, p + ", got \"" + s + "\"");
  }

  void selector(const Json& v, const Field& f, const std::string& path) {
    auto ok_name = [](const Json& s) {
      return s.is_string() && !s.get_ref<const std::string&>().empty();
    };
    if (v.is_array() && !v.empty()) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!ok_name(v[i])) {
          diag_.add(path + "/" + std::to_string(i),
                    "expected a name or a glob, got " + describe(v[i]));
        }
      }
    } else if (!ok_name(v)) {
      expected(v, f, path);
    }
  }

  // Checks the keys of a discriminated object against its variant (e.g. uniform: low, high).
  void variants(const Json& obj, const ObjectSpec& spec, const std::string& path) {
    const auto d = obj.find(spec.discriminator);
    if (d == obj.end() || !d->is_string()) return;
    const auto variant = std::find_if(spec.variants.begin(), spec.variants.end(),
                                      [&](const Variant& x) { return *d == x.when; });
    if (variant == spec.variants.end()) return;  // reported as an unknown choice
    const std::string name = variant->when;
    std::vector<std::string> sets;
    for (const auto& set : variant->key_sets) sets.push_back(join(set, " and "));
    std::string takes;
    for (std::size_t i = 0; i < sets.size(); ++i) takes += (i ? ", or " : "") + sets[i];
    std::vector<int> given(variant->key_sets.size(), 0);
    for (const auto& [key, v] : obj.items()) {
      if (key == spec.discriminator) continue;
      bool allowed = false;
      for (std::size_t s = 0; s < variant->key_sets.size(); ++s) {
        for (const char* k : variant->key_sets[s]) {
          if (key == k) {
            allowed = true;
            ++given[s];
          }
        }
      }
      if (!allowed) {
        diag_.add(path + "/" + pointer_escape(key),
                  "'" + key + "' is not a parameter of " + name + " (it takes " + takes + ")");
      }
    }
    const auto touched = std::count_if(given.begin(), given.end(), [](int g) { return g > 0; });
    std::size_t complete = variant->key_sets.size();
    for (std::size_t s = 0; s < given.size(); ++s) {
      if (given[s] == static_cast<int>(variant->key_sets[s].size())) complete = s;
    }
    if (touched > 1) {
      diag_.add(path, name + " takes " + takes + ", not keys of both");
    } else if (complete == variant->key_sets.size()) {
      diag_.add(path, name + " needs " + takes);
    }
  }

  Diagnostics& diag_;
};

}  // namespace

void Diagnostics::mark_override(std::string pointer, std::string text) {
  overrides_.emplace_back(std::move(pointer), std::move(text));
}

void Diagnostics::add(const std::string& path, std::string message) {
  for (const auto& [pointer, text] : overrides_) {
    if (path == pointer || path.starts_with(pointer + "/")) {
      errors_.push_back({path, 0, std::move(message) + " (from --set " + text + ")"});
      return;
    }
  }
  errors_.push_back({path, lines_ ? lines_->line_of(path) : 0, std::move(message)});
}

Json resolve_object(const Json& value, const ObjectSpec& spec, const std::string& path,
                    Diagnostics& diag) {
  return Walker(diag).object(value, spec, path);
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string describe(const Json& v) {
  switch (v.type()) {
    case Json::value_t::string: {
      std::string s = v.dump();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return "the string " + s;
    }
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return v.empty() ? "an empty list" : "a list";
    default:
      return v.dump();
  }
}

}  // namespace edgetwin::scenarios::detail
