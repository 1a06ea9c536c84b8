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
  const bool fresh = !entry.contains("base") && builtin == nullptr;
  if (fresh) {  // the defaults of a type declared in full (docs/devices.md)
    t.storage_bytes = std::int64_t{16} << 30;
    t.locality = "edge";
    t.fet_profile = "";
    t.container_start = *models::builtin_start_time("nuc");
    t.max_instances = 0;  // 2 * cores, below
  }
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
  if (const std::string* m = string_of(entry, "storage")) {
    if (auto p = sim::parse_size(*m); p.ok()) t.storage_bytes = p.value;
  }
  if (auto it = entry.find("accelerators"); it != entry.end() && it->is_number_integer()) {
    t.accelerators = it->get<int>();
  } else if (entry.contains("accelerator")) {
    t.accelerators = t.accelerator.empty() ? 0 : std::max(1, t.accelerators);
  }
  if (const std::string* m = string_of(entry, "accelerator_memory")) {
    if (auto p = sim::parse_size(*m); p.ok()) t.accelerator_memory_bytes = p.value;
  }
  if (auto v = number_of(entry, "accelerator_power_w")) t.accelerator_power_w = *v;
  if (const std::string* v = string_of(entry, "network_interface")) t.network_interface = *v;
  if (auto v = rate_of(entry, "nic")) t.nic_bps = *v;
  if (const std::string* v = string_of(entry, "locality")) t.locality = *v;
  if (const std::string* v = string_of(entry, "execution_profile")) {
    if (*v == "none") {
      t.fet_profile.clear();
    } else if (models::find_builtin_device_type(*v) != nullptr) {
      t.fet_profile = *v;
    } else {
      std::vector<std::string> builtins{"none"};
      for (const auto& b : models::builtin_device_types()) builtins.push_back(b.name);
      diag_.add(path + "/execution_profile", "unknown execution profile '" + *v + "';" +
                                                 did_you_mean(*v, builtins) +
                                                 " it is a built-in type or none: " +
                                                 list_names(builtins, 99));
      ok = false;
    }
  }
  if (auto it = entry.find("container_start"); it != entry.end() && it->is_object()) {
    if (auto fit = bounded_lognormal(*it, path + "/container_start")) {
      t.container_start = *fit;
    } else {
      ok = false;
    }
  }
  if (auto it = entry.find("max_instances"); it != entry.end() && it->is_number_integer()) {
    t.max_instances = it->get<int>();
  } else if (t.max_instances == 0) {
    t.max_instances = 2 * t.cores;
  }
  if (auto v = number_of(entry, "interference")) t.interference = *v;
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

// The fit at `path` (checked by the generic pass), if its bounds and acceptance are sound.
std::optional<models::BoundedLognormal> Builder::bounded_lognormal(const Json& fit,
                                                                   const std::string& path) {
  const auto s = number_of(fit, "s"), loc = number_of(fit, "loc"), scale = number_of(fit, "scale");
  const auto xmin = number_of(fit, "xmin"), xmax = number_of(fit, "xmax");
  if (!s || !loc || !scale || !xmin || !xmax) return std::nullopt;  // reported
  const models::BoundedLognormal d{*s, *loc, *scale, *xmin, *xmax};
  if (*xmin > *xmax) {
    diag_.add(path + "/xmax", "xmax (" + number_text(*xmax) + " s) is below xmin (" +
                                  number_text(*xmin) + " s)");
    return std::nullopt;
  }
  if (d.acceptance() < models::BoundedLognormal::kMinAcceptance) {
    diag_.add(path, "only " + number_text(d.acceptance() * 100.0) +
                        " % of lognorm(s, loc, scale) lies within [xmin, xmax] (at least 1 % "
                        "must, or rejection sampling stalls): widen the bounds or fix loc and "
                        "scale");
    return std::nullopt;
  }
  return d;
}

void Builder::unknown_type(const std::string& path, const char* what, const std::string& type) {
  diag_.add(path, std::string("unknown ") + what + " '" + type + "';" +
                      did_you_mean(type, type_names()) +
                      " known types: " + list_names(type_names(), 99));
}

}  // namespace edgetwin::scenarios::detail
