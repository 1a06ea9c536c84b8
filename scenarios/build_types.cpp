// Device types: the built-ins, then those the scenario declares, each from its base (a built-in
// or another declared type).
#include <algorithm>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/names.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {

void Builder::resolve_types() {
  for (const auto& t : models::builtin_device_types()) types_[t.name] = {t, false};
  const Json& declared = r_["device_types"];
  if (!declared.is_object()) return;
  std::vector<std::string> visiting;
  for (const auto& [name, entry] : declared.items()) resolve_type(name, visiting);
}

// True iff `name` resolved without error; memoised in types_ / resolved_.
bool Builder::resolve_type(const std::string& name, std::vector<std::string>& visiting) {
  if (auto it = resolved_.find(name); it != resolved_.end()) return it->second;
  const Json& declared = r_["device_types"];
  const std::string path = "/device_types/" + pointer_escape(name);
  const Json& entry = declared[name];
  if (!entry.is_object()) return resolved_[name] = false;
  if (std::find(visiting.begin(), visiting.end(), name) != visiting.end()) {
    diag_.add(path + "/base",
              "device type '" + name + "' is its own base (through " + list_names(visiting) + ")");
    return resolved_[name] = false;
  }
  visiting.push_back(name);
  models::DeviceType t;
  bool ok = true;
  const models::DeviceType* builtin = models::find_builtin_device_type(name);
  if (const std::string* base = string_of(entry, "base")) {
    if (*base == name && builtin) {
      t = *builtin;
    } else if (*base != name && declared.contains(*base)) {
      ok = resolve_type(*base, visiting);
      if (ok) t = types_[*base].type;
    } else if (const auto* b = models::find_builtin_device_type(*base); b && *base != name) {
      t = *b;
    } else {
      unknown_type(path + "/base", "base type", *base);
      ok = false;
    }
  } else if (builtin) {
    t = *builtin;
  } else {
    std::vector<std::string> missing;
    for (const char* k : {"cores", "core_speed", "memory", "arch", "idle_power_w", "max_power_w"}) {
      if (!entry.contains(k)) missing.emplace_back(k);
    }
    if (!missing.empty()) {
      diag_.add(path, "'" + name +
                          "' is not a built-in type, so it needs a 'base' or every "
                          "field; missing: " +
                          list_names(missing) + did_you_mean(name, type_names()));
      ok = false;
    }
  }
  visiting.pop_back();
  t.name = name;
  if (auto it = entry.find("cores"); it != entry.end() && it->is_number_integer()) {
    t.cores = it->get<int>();
  }
  if (auto v = number_of(entry, "core_speed")) t.core_speed = *v;
  if (const std::string* m = string_of(entry, "memory")) {
    if (auto p = sim::parse_size(*m); p.ok()) t.memory_bytes = p.value;
  }
  if (const std::string* a = string_of(entry, "arch")) t.arch = *a;
  if (const std::string* a = string_of(entry, "accelerator")) t.accelerator = *a;
  if (auto v = number_of(entry, "idle_power_w")) t.idle_power_w = *v;
  if (auto v = number_of(entry, "max_power_w")) t.max_power_w = *v;
  if (auto v = number_of(entry, "accelerator_power_w")) t.accelerator_power_w = *v;
  if (ok && t.max_power_w < t.idle_power_w) {
    const char* key = entry.contains("max_power_w") ? "/max_power_w" : "/idle_power_w";
    diag_.add(path + key, "max_power_w (" + number_text(t.max_power_w) +
                              " W) is below idle_power_w (" + number_text(t.idle_power_w) + " W)");
    ok = false;
  }
  types_[name] = {t, false};
  return resolved_[name] = ok;
}

std::vector<std::string> Builder::type_names() const {
  std::vector<std::string> names;
  for (const auto& t : models::builtin_device_types()) names.push_back(t.name);
  if (r_["device_types"].is_object()) {
    for (const auto& [k, v] : r_["device_types"].items()) {
      if (!models::find_builtin_device_type(k)) names.push_back(k);
    }
  }
  return names;
}

void Builder::unknown_type(const std::string& path, const char* what, const std::string& type) {
  diag_.add(path, std::string("unknown ") + what + " '" + type + "';" +
                      did_you_mean(type, type_names()) +
                      " known types: " + list_names(type_names(), 99));
}

}  // namespace edgetwin::scenarios::detail
