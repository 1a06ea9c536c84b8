// Loading a scenario: parse, apply --set overrides, check against the declarations
// (validate.cpp), then the checks that span values (names, selectors, device types), and only
// then build the FleetConfig.
#include "scenarios/scenario.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "network/generators.h"
#include "network/topology.h"
#include "scenarios/detail/embedded.h"
#include "scenarios/detail/names.h"
#include "scenarios/detail/trace.h"
#include "scenarios/detail/validate.h"
#include "sim/event.h"

namespace edgetwin::scenarios {
namespace {

using detail::Diagnostics;
using detail::Json;
using detail::pointer_escape;

// ---- --set overrides ------------------------------------------------------------------------

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

// Sets doc at the override's path. Objects the format declares (output, device_types and its
// entries, labels) are created when missing; any other missing parent is an error naming the
// override. The last key may be new: validation then judges it like any other key.
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
  const detail::ObjectSpec* spec = &detail::scenario_spec();
  bool free_keys = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    const bool last = i + 1 == tokens.size();
    const std::string shown = where.empty() ? "the top level" : where;
    const detail::Field* field = spec && !free_keys && at->is_object() ? spec->find(t) : nullptr;
    if (at->is_object()) {
      if (last) {
        (*at)[t] = value;
        break;
      }
      const bool creatable = free_keys || (field && (field->kind == detail::Kind::kObject ||
                                                     field->kind == detail::Kind::kObjectMap ||
                                                     field->kind == detail::Kind::kStringMap));
      if (!at->contains(t) && !creatable) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : at->items()) keys.push_back(k);
        return fail("no key '" + t + "' at " + shown + ";" + detail::did_you_mean(t, keys) +
                    " keys there: " + detail::list_names(keys));
      }
      if (!at->contains(t)) (*at)[t] = Json::object();
      at = &(*at)[t];
      if (free_keys) {
        free_keys = false;  // spec stays: the entry's declaration
      } else {
        free_keys = field && field->kind == detail::Kind::kObjectMap;
        spec = field ? field->object : nullptr;
      }
    } else if (at->is_array()) {
      const auto index = array_index(t);
      if (!index || *index >= at->size()) {
        return fail(shown + " is a list of " + std::to_string(at->size()) +
                    " entries; '" + t + "' is not an index of it");
      }
      at = &(*at)[*index];
      if (last) *at = value;
    } else {
      return fail(shown + " is " + detail::describe(*at) + ", which has no '" + t + "'");
    }
    where += "/" + pointer_escape(t);
  }
  diag.mark_override(pointer, text);
}

// ---- reading values that the generic pass has checked ------------------------------------------
// Each returns nullopt when the value is missing or invalid: that has been reported already.

std::optional<sim::Time> duration_of(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  auto p = sim::parse_duration(v.get<std::string>());
  return p.ok() ? std::optional(p.value) : std::nullopt;
}

std::optional<double> seconds_of(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  auto t = duration_of(*it);
  return t ? std::optional(sim::to_seconds(*t)) : std::nullopt;
}

std::optional<double> number_of(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? std::optional(it->get<double>()) : std::nullopt;
}

const std::string* string_of(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

std::optional<double> rate_of(const Json& obj, const char* key) {
  const std::string* s = string_of(obj, key);
  if (!s) return std::nullopt;
  auto p = sim::parse_rate(*s);
  return p.ok() ? std::optional(p.value) : std::nullopt;
}

// A value of a distribution: seconds for durations, bytes for sizes.
std::optional<double> amount_of(const Json& obj, const char* key, bool sizes) {
  if (!sizes) return seconds_of(obj, key);
  const std::string* s = string_of(obj, key);
  if (!s) return std::nullopt;
  auto p = sim::parse_size(*s);
  return p.ok() ? std::optional(static_cast<double>(p.value)) : std::nullopt;
}

// A declared object in the format, by its path of keys from the root.
const detail::ObjectSpec& spec_at(std::initializer_list<const char*> keys) {
  const detail::ObjectSpec* spec = &detail::scenario_spec();
  for (const char* k : keys) spec = spec->find(k)->object;
  return *spec;
}

std::string site_pair(const std::string& a, const std::string& b) { return a + "--" + b; }

// ---- the checks that span values, and the build --------------------------------------------------

class Builder {
 public:
  // `base_dir`: where relative paths in the scenario (trace files) start; "" for the current
  // directory.
  Builder(Json& resolved, Diagnostics& diag, std::filesystem::path base_dir)
      : r_(resolved), diag_(diag), base_dir_(std::move(base_dir)) {}

  // Checks everything; fills the resolved document's computed defaults. Builds `out` only when
  // there is no error at all.
  void run(models::FleetConfig& out) {
    check_times();
    resolve_types();
    expand_sites();
    expand_fleet();
    network_ = r_.contains("network") && r_["network"].is_object();
    check_network();
    check_workloads();
    check_outages();
    if (diag_.count() == 0) check_scale();
    if (diag_.count() == 0) build(out);
  }

 private:
  struct SiteInfo {
    std::string name, kind, path;
    std::uint64_t devices = 0;
    bool maybe_devices = false;  // an invalid fleet entry may have meant to put devices here
  };
  struct TypeInfo {
    models::DeviceType type;
    bool used = false;
  };
  struct EntryInfo {
    std::string type;
    std::vector<std::uint32_t> sites;
  };

  // Runs the engine cannot hold, or that would not end in any reasonable time, are refused
  // before anything is built: logical processes (devices + arrival sources + 1) must fit the
  // event key; expected events (3 per request plus samples) at most kMaxEvents.
  static constexpr double kMaxEvents = 1e11;  // about 1.5 h at 20 M events/s
  void check_scale() {
    std::uint64_t devices = 0, sources = 0;
    for (const SiteInfo& site : sites_) devices += site.devices;
    double requests = 0.0, transfers = 0.0, messages = 0.0;
    const double seconds = sim::to_seconds(*duration_of(r_["duration"]));
    const Json& workloads = r_["workloads"];
    for (std::size_t i = 0; i < workloads.size(); ++i) {
      const Json& w = workloads[i];
      const std::string& kind = w["kind"].get_ref<const std::string&>();
      const auto n = static_cast<double>(workload_devices_[i].size());
      if (kind == "requests") {
        sources += workload_sites_[i].size();
        requests += w["arrivals"]["poisson_per_s"].get<double>() *
                    static_cast<double>(workload_sites_[i].size()) * seconds;
      } else if (kind == "transfers") {
        transfers += w["arrivals"]["poisson_per_s"].get<double>() * n * seconds;
      } else {
        messages += n * seconds / sim::to_seconds(*duration_of(w["interval"]));
      }
    }
    // The network's processes: the network, outages, sampling, and one per transfer or message
    // workload (models/network_activity.h).
    if (network_) sources += 3 + workloads.size();
    const std::uint64_t lps = devices + sources + 1;
    if (lps > sim::kMaxLps) {
      diag_.add("/fleet", "the fleet has " + std::to_string(devices) + " devices and " +
                              std::to_string(sources) + " arrival sources; at most " +
                              std::to_string(sim::kMaxLps - 1) + " in all can be simulated");
    }
    const double max_requests = r_["max_requests"].get<double>();
    if (max_requests > 0) requests = std::min(requests, max_requests * 1.5);
    const sim::Time interval = *duration_of(r_["output"]["sample_interval"]);
    const double samples =
        interval > 0 ? static_cast<double>(*duration_of(r_["duration"]) / interval) : 0.0;
    if (samples > 1e8) {
      diag_.add("/output/sample_interval",
                "sampling every " + r_["output"]["sample_interval"].get<std::string>() + " for " +
                    r_["duration"].get<std::string>() + " takes " + std::to_string(samples) +
                    " samples per series (at most 1e8); sample less often");
    }
    // Events: 3 per request and per transfer (start, rate changes, end), 2 per message.
    const double events = 3.0 * requests + 3.0 * transfers + 2.0 * messages;
    if (events > kMaxEvents) {
      char buf[240];
      std::snprintf(buf, sizeof buf,
                    "the workloads would offer about %.3g requests, %.3g transfers and %.3g "
                    "messages (%.3g events; at most %.0e): lower the rates or the duration, or "
                    "set max_requests",
                    requests, transfers, messages, events, kMaxEvents);
      diag_.add("/workloads", buf);
    }
  }

  void check_times() {
    auto duration = duration_of(r_["duration"]);
    auto warmup = duration_of(r_["warmup"]);
    if (duration && *duration > 100 * 365 * sim::kDay) {
      diag_.add("/duration", "duration " + r_["duration"].get<std::string>() +
                                 " is longer than 100 years; runs are limited to that");
    }
    if (duration && warmup && *warmup >= *duration) {
      diag_.add("/warmup", "warmup (" + r_["warmup"].get<std::string>() +
                               ") must be shorter than duration (" +
                               r_["duration"].get<std::string>() + ")");
    }
  }

  // Built-ins, then declared types (each from its base: a built-in or another declared type).
  void resolve_types() {
    for (const auto& t : models::builtin_device_types()) types_[t.name] = {t, false};
    const Json& declared = r_["device_types"];
    if (!declared.is_object()) return;
    std::vector<std::string> visiting;
    for (const auto& [name, entry] : declared.items()) resolve_type(name, visiting);
  }

  // True iff `name` resolved without error; memoised in types_ / resolved_.
  bool resolve_type(const std::string& name, std::vector<std::string>& visiting) {
    if (auto it = resolved_.find(name); it != resolved_.end()) return it->second;
    const Json& declared = r_["device_types"];
    const std::string path = "/device_types/" + pointer_escape(name);
    const Json& entry = declared[name];
    if (!entry.is_object()) return resolved_[name] = false;
    if (std::find(visiting.begin(), visiting.end(), name) != visiting.end()) {
      diag_.add(path + "/base", "device type '" + name + "' is its own base (through " +
                                    detail::list_names(visiting) + ")");
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
        diag_.add(path + "/base", "unknown base type '" + *base + "';" +
                                      detail::did_you_mean(*base, type_names()) +
                                      " known types: " + detail::list_names(type_names(), 99));
        ok = false;
      }
    } else if (builtin) {
      t = *builtin;
    } else {
      std::vector<std::string> missing;
      for (const char* k : {"cores", "core_speed", "memory", "arch", "idle_power_w",
                            "max_power_w"}) {
        if (!entry.contains(k)) missing.emplace_back(k);
      }
      if (!missing.empty()) {
        diag_.add(path, "'" + name + "' is not a built-in type, so it needs a 'base' or every "
                        "field; missing: " + detail::list_names(missing) +
                        detail::did_you_mean(name, type_names()));
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
    if (ok && t.max_power_w < t.idle_power_w) {
      const char* key = entry.contains("max_power_w") ? "/max_power_w" : "/idle_power_w";
      diag_.add(path + key, "max_power_w (" + detail::number_text(t.max_power_w) +
                                " W) is below idle_power_w (" +
                                detail::number_text(t.idle_power_w) + " W)");
      ok = false;
    }
    types_[name] = {t, false};
    return resolved_[name] = ok;
  }

  std::vector<std::string> type_names() const {
    std::vector<std::string> names;
    for (const auto& t : models::builtin_device_types()) names.push_back(t.name);
    if (r_["device_types"].is_object()) {
      for (const auto& [k, v] : r_["device_types"].items()) {
        if (!models::find_builtin_device_type(k)) names.push_back(k);
      }
    }
    return names;
  }

  void expand_sites() {
    const Json& sites = r_["sites"];
    if (!sites.is_array()) return;
    std::unordered_map<std::string, std::string> seen;  // name -> path that declared it
    for (std::size_t i = 0; i < sites.size(); ++i) {
      const std::string path = "/sites/" + std::to_string(i) + "/name";
      const std::string* pattern = string_of(sites[i], "name");
      const std::string* kind = string_of(sites[i], "kind");
      if (!pattern || pattern->empty()) continue;
      if (detail::has_wildcard(*pattern)) {
        diag_.add(path, "site name '" + *pattern + "' may not contain '*' or '?' (they select)");
        continue;
      }
      std::vector<std::string> names;
      std::string error;
      if (!detail::expand_name(*pattern, names, error)) {
        diag_.add(path, error);
        sites_incomplete_ = true;
        continue;
      }
      int duplicates = 0;
      for (std::string& n : names) {
        auto [it, fresh] = seen.emplace(n, path);
        if (!fresh) {
          if (duplicates++ == 0) {
            diag_.add(path, "duplicate site name '" + n + "'" +
                                (*pattern != n ? " (from the range '" + *pattern + "')" : "") +
                                ", also declared by " + it->second);
          }
          continue;
        }
        site_index_[n] = static_cast<std::uint32_t>(sites_.size());
        sites_.push_back({n, kind ? *kind : "edge", path, 0});
        site_names_.push_back(n);
      }
    }
  }

  // The sites a selector picks, in site order, each once; nullopt (reported) when a selector,
  // or one of a list, matches nothing.
  std::optional<std::vector<std::uint32_t>> select(const Json& selector, const std::string& path) {
    std::vector<char> picked(sites_.size(), 0);
    bool ok = true;
    auto one = [&](const std::string& s, const std::string& at) {
      bool any = false;
      if (!detail::has_wildcard(s)) {
        if (auto it = site_index_.find(s); it != site_index_.end()) {
          any = true;
          picked[it->second] = 1;
        }
      } else {
        for (std::size_t k = 0; k < sites_.size(); ++k) {
          if (detail::glob_match(s, sites_[k].name)) {
            any = true;
            picked[k] = 1;
          }
        }
      }
      if (!any && sites_incomplete_) {
        ok = false;  // the site may be one that failed to expand: do not guess
      } else if (!any) {
        diag_.add(at, "'" + s + "' matches no site;" +
                          (detail::has_wildcard(s) ? "" : detail::did_you_mean(s, site_names_)) +
                          " sites: " + detail::list_names(site_names_));
        ok = false;
      }
    };
    if (selector.is_string()) {
      one(selector.get<std::string>(), path);
    } else if (selector.is_array()) {
      for (std::size_t k = 0; k < selector.size(); ++k) {
        if (selector[k].is_string()) one(selector[k].get<std::string>(), path + "/" + std::to_string(k));
      }
    } else {
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
    std::vector<std::uint32_t> out;
    for (std::size_t k = 0; k < picked.size(); ++k) {
      if (picked[k]) out.push_back(static_cast<std::uint32_t>(k));
    }
    return out;
  }

  void expand_fleet() {
    Json& fleet = r_["fleet"];
    if (!fleet.is_array() || fleet.empty()) {
      fleet_incomplete_ = true;  // reported; every site would seem to lack devices
      return;
    }
    // "<prefix>-<site>" -> the fleet entry that made it. Device names are that plus "-<k>" and k
    // has no '-', so two entries make a common device name iff they share this key.
    std::unordered_map<std::string, std::size_t> prefix_owner;
    entries_.resize(fleet.size());
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      Json& e = fleet[i];
      if (!e.is_object()) continue;
      const std::string path = "/fleet/" + std::to_string(i);
      // A copy: adding "name" below moves the object's values.
      const std::optional<std::string> type =
          string_of(e, "type") ? std::optional(*string_of(e, "type")) : std::nullopt;
      bool ok = true;
      if (type && !types_.contains(*type)) {
        diag_.add(path + "/type", "unknown device type '" + *type + "';" +
                                      detail::did_you_mean(*type, type_names()) +
                                      " known types: " + detail::list_names(type_names(), 99));
        ok = false;
      }
      if (type && !e.contains("name")) e["name"] = *type;
      auto sites = e.contains("site") ? select(e["site"], path + "/site") : std::nullopt;
      const auto count = e.find("count");
      if (!type || !ok || !sites || count == e.end() || !count->is_number_integer() ||
          count->get<double>() < 1) {
        // Invalid (reported): do not also blame workloads for the devices it would have made.
        if (sites) {
          for (std::uint32_t s : *sites) sites_[s].maybe_devices = true;
        } else {
          fleet_incomplete_ = true;
        }
        continue;
      }
      types_[*type].used = true;
      entries_[i] = {*type, *sites};
      // Names are "<prefix>-<site>-<k>": two entries clash iff they share a prefix and a site.
      const std::string prefix = e["name"].is_string() ? e["name"].get<std::string>() : *type;
      for (std::uint32_t s : *sites) {
        auto [it, fresh] = prefix_owner.emplace(prefix + "-" + sites_[s].name, i);
        if (!fresh) {
          diag_.add(path, "duplicate device names: '" + prefix + "-" + sites_[s].name +
                              "-1', ... are also made by /fleet/" + std::to_string(it->second) +
                              "; give one entry a different 'name'");
          break;
        }
        sites_[s].devices += count->get<std::uint64_t>();
      }
    }
  }

  // ---- devices by name ----

  // Device names, in device order (the order build() makes them); built on first use.
  const std::vector<std::string>& device_names() {
    if (!device_names_.empty() || device_site_.empty()) return device_names_;
    const Json& fleet = r_["fleet"];
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].type.empty()) continue;
      const std::string prefix = fleet[i]["name"].get<std::string>();
      const auto count = fleet[i]["count"].get<std::uint64_t>();
      for (std::uint32_t s : entries_[i].sites) {
        for (std::uint64_t k = 1; k <= count; ++k) {
          device_names_.push_back(prefix + "-" + sites_[s].name + "-" + std::to_string(k));
        }
      }
    }
    for (std::uint32_t d = 0; d < device_names_.size(); ++d) device_index_[device_names_[d]] = d;
    return device_names_;
  }

  // Site of each device, in device order; empty when some fleet entry is invalid.
  void list_devices() {
    const Json& fleet = r_["fleet"];
    if (fleet_incomplete_ || !fleet.is_array()) return;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].type.empty()) {
        device_site_.clear();
        devices_incomplete_ = true;
        return;
      }
      const auto count = fleet[i]["count"].get<std::uint64_t>();
      for (std::uint32_t s : entries_[i].sites) device_site_.insert(device_site_.end(), count, s);
    }
  }

  // The devices a device-name selector picks, in device order, each once; nullopt (reported)
  // when a selector, or one of a list, matches nothing.
  std::optional<std::vector<std::uint32_t>> select_devices(const Json& selector,
                                                           const std::string& path) {
    if (devices_incomplete_ || fleet_incomplete_) return std::nullopt;
    const auto& names = device_names();
    std::vector<char> picked(names.size(), 0);
    bool ok = true;
    auto one = [&](const std::string& s, const std::string& at) {
      bool any = false;
      if (!detail::has_wildcard(s)) {
        if (auto it = device_index_.find(s); it != device_index_.end()) {
          any = true;
          picked[it->second] = 1;
        }
      } else {
        for (std::size_t k = 0; k < names.size(); ++k) {
          if (detail::glob_match(s, names[k])) {
            any = true;
            picked[k] = 1;
          }
        }
      }
      if (!any) {
        diag_.add(at, "'" + s + "' matches no device;" +
                          (detail::has_wildcard(s) ? "" : detail::did_you_mean(s, names)) +
                          " devices are named <name>-<site>-<k>: " + detail::list_names(names, 6));
        ok = false;
      }
    };
    if (selector.is_string()) {
      one(selector.get<std::string>(), path);
    } else if (selector.is_array()) {
      for (std::size_t k = 0; k < selector.size(); ++k) {
        if (selector[k].is_string()) one(selector[k].get<std::string>(), path + "/" + std::to_string(k));
      }
    } else {
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
    std::vector<std::uint32_t> out;
    for (std::size_t k = 0; k < picked.size(); ++k) {
      if (picked[k]) out.push_back(static_cast<std::uint32_t>(k));
    }
    return out;
  }

  // ---- network ----

  // An access link given as a preset name or an object: checks what the declarations cannot.
  void check_access(const Json& v, const std::string& path) {
    if (!v.is_object() || v.contains("preset")) return;
    std::vector<std::string> missing;
    for (const char* k : {"up", "down", "latency"}) {
      if (!v.contains(k)) missing.emplace_back(k);
    }
    if (!missing.empty()) {
      diag_.add(path, "an access link without a preset needs up, down and latency; missing: " +
                          detail::list_names(missing) + " (or give a \"preset\" to start from: " +
                          detail::list_names(preset_list(), 99) + ")");
    }
    if (v.contains("jitter")) check_distribution(v["jitter"], path + "/jitter", false);
  }

  static std::vector<std::string> preset_list() {
    std::vector<std::string> names;
    for (const auto& p : network::access_presets()) names.push_back(p.name);
    return names;
  }

  // REQUIRES: no error was reported for `v`.
  static models::AccessConfig access_config(const Json& v) {
    models::AccessConfig a;
    const network::AccessPreset* p = v.is_string() ? network::find_access_preset(v.get<std::string>())
                                     : v.contains("preset")
                                         ? network::find_access_preset(v["preset"].get<std::string>())
                                         : nullptr;
    if (p) a = {p->name, p->up_bps, p->down_bps, p->latency, p->jitter_s};
    if (!v.is_object()) return a;
    if (auto up = rate_of(v, "up")) a.up_bps = *up;
    if (auto down = rate_of(v, "down")) a.down_bps = *down;
    if (auto latency = duration_of(v.value("latency", Json()))) a.latency = *latency;
    if (v.contains("jitter")) a.jitter_s = distribution(v["jitter"]);
    return a;
  }

  void check_network() {
    list_devices();
    Json& fleet = r_["fleet"];
    if (fleet.is_array()) {
      for (std::size_t i = 0; i < fleet.size(); ++i) {
        if (!fleet[i].is_object() || !fleet[i].contains("access")) continue;
        const std::string path = "/fleet/" + std::to_string(i) + "/access";
        if (!network_) {
          diag_.add(path, "'access' needs a network section (add \"network\": {} to use the "
                          "defaults)");
        } else {
          check_access(fleet[i]["access"], path);
        }
      }
    }
    if (!network_) return;
    Json& net = r_["network"];
    if (net.contains("access")) check_access(net["access"], "/network/access");
    if (fleet.is_array()) {  // computed default: the network's access
      for (Json& e : fleet) {
        if (!e.is_object()) continue;
        if (!e.contains("access") && net.contains("access")) e["access"] = net["access"];
        reorder(e, spec_at({"fleet"}));
      }
    }
    if (net.contains("backhaul") && net["backhaul"].contains("jitter")) {
      check_distribution(net["backhaul"]["jitter"], "/network/backhaul/jitter", false);
    }
    if (!string_of(net, "shape")) return;
    const std::string shape_name = *string_of(net, "shape");  // a copy: `net` changes below
    const std::string* shape = &shape_name;
    const bool needs_hub = *shape == "star" || *shape == "two_tier";
    constexpr std::uint32_t kNone = 0xFFFFFFFFu;
    std::uint32_t hub = kNone;
    if (net.contains("hub")) {
      if (!needs_hub) {
        diag_.add("/network/hub", "'hub' is used only by the star and two_tier shapes, not " +
                                      *shape);
      } else {
        hub = exact_site(net["hub"], "/network/hub").value_or(kNone);
      }
    } else if (needs_hub && !sites_incomplete_) {
      std::vector<std::string> clouds;
      for (std::uint32_t k = 0; k < sites_.size(); ++k) {
        if (sites_[k].kind == "cloud") {
          clouds.push_back(sites_[k].name);
          hub = k;
        }
      }
      if (clouds.size() == 1) {
        net["hub"] = clouds[0];
        reorder(net, spec_at({"network"}));
      } else {
        hub = kNone;
        diag_.add("/network", "the " + *shape + " shape needs a hub, and " +
                                  (clouds.empty() ? std::string("no site is of kind cloud")
                                                  : "several sites are of kind cloud (" +
                                                        detail::list_names(clouds) + ")") +
                                  "; set \"hub\" to a site name");
      }
    }
    if (net.contains("random_geometric") && *shape != "random_geometric") {
      diag_.add("/network/random_geometric",
                "'random_geometric' is used only by the random_geometric shape, not " + *shape);
    }
    if (*shape == "random_geometric" && !net.contains("random_geometric")) {
      net["random_geometric"] = detail::resolve_object(
          Json::object(), spec_at({"network", "random_geometric"}), "/network/random_geometric",
          diag_);
      reorder(net, spec_at({"network"}));
    }

    // Generated links.
    if (sites_incomplete_) return;
    std::vector<std::uint32_t> all(sites_.size());
    for (std::uint32_t k = 0; k < all.size(); ++k) all[k] = k;
    if (needs_hub && hub != kNone) {
      if (*shape == "star") {
        for (auto [a, b] : network::star(all, hub)) links_.push_back({a, b, 0.0, ""});
      } else {
        std::vector<std::uint32_t> edges, regions;
        for (std::uint32_t k : all) {
          if (k == hub) continue;
          (sites_[k].kind == "region" ? regions : edges).push_back(k);
        }
        if (regions.empty()) {
          diag_.add("/network/shape", "the two_tier shape needs sites of kind region between "
                                      "the edge sites and the hub; there are none");
        } else {
          for (auto [a, b] : network::two_tier(edges, regions, hub)) links_.push_back({a, b, 0.0, ""});
        }
      }
    } else if (*shape == "random_geometric") {
      const Json& rg = net["random_geometric"];
      if (auto radius = number_of(rg, "radius")) {
        const auto layout = network::random_geometric(all, *radius, r_["seed"].is_number_unsigned()
                                                                       ? r_["seed"].get<std::uint64_t>()
                                                                       : 1);
        for (const auto& l : layout.links) links_.push_back({l.a, l.b, l.distance, ""});
      }
    }
    generated_links_ = links_.size();

    // Explicit links.
    const Json& links = net["links"];
    bool links_ok = true;
    for (std::size_t i = 0; links.is_array() && i < links.size(); ++i) {
      const std::string path = "/network/links/" + std::to_string(i);
      const Json& l = links[i];
      if (!l.is_object() || !l.contains("between") || !l["between"].is_array() ||
          l["between"].size() != 2) {
        links_ok = false;
        continue;
      }
      auto a = exact_site(l["between"][0], path + "/between/0");
      auto b = exact_site(l["between"][1], path + "/between/1");
      if (!a || !b) {
        links_ok = false;
        continue;
      }
      if (*a == *b) {
        diag_.add(path + "/between", "a link from site '" + sites_[*a].name + "' to itself");
        links_ok = false;
        continue;
      }
      if (l.contains("jitter")) check_distribution(l["jitter"], path + "/jitter", false);
      links_.push_back({*a, *b, 0.0, path});
    }

    const bool connected = net.value("connected", true);
    if (connected && links_ok && (!needs_hub || hub != kNone) && sites_.size() > 1) {
      std::vector<network::SitePair> pairs;
      for (const LinkInfo& l : links_) pairs.emplace_back(l.a, l.b);
      const auto component = network::components(sites_.size(), pairs);
      // The main component: the hub's, else the largest (the first of equals).
      std::uint32_t main = component[hub == kNone ? 0 : hub];
      if (hub == kNone) {
        std::vector<std::size_t> size(sites_.size(), 0);
        for (std::uint32_t c : component) ++size[c];
        main = static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
      }
      std::vector<std::string> cut_off;
      std::string reference;
      for (std::uint32_t k = 0; k < sites_.size(); ++k) {
        if (component[k] != main) cut_off.push_back(sites_[k].name);
        else if (reference.empty()) reference = sites_[k].name;
      }
      if (!cut_off.empty()) {
        diag_.add("/network", "the sites are not connected: " + detail::list_names(cut_off) +
                                  (cut_off.size() == 1 ? " cannot" : " cannot") + " reach " +
                                  (hub != kNone ? sites_[hub].name : reference) + " through site links (" +
                                  std::to_string(links_.size()) + " links, shape " + *shape +
                                  "); add links, change the shape, or set \"connected\": false");
      }
    }
  }

  // Keys of `obj` put back in declaration order (after computed defaults were added).
  static void reorder(Json& obj, const detail::ObjectSpec& spec) {
    Json out = Json::object();
    for (const detail::Field& f : spec.fields) {
      if (obj.contains(f.key)) out[f.key] = obj[f.key];
    }
    obj = std::move(out);
  }

  // ---- outages ----

  // Indices of the site links between sites a and b (either way round).
  std::vector<std::uint32_t> links_between(std::uint32_t a, std::uint32_t b) const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t k = 0; k < links_.size(); ++k) {
      if ((links_[k].a == a && links_[k].b == b) || (links_[k].a == b && links_[k].b == a)) {
        out.push_back(k);
      }
    }
    return out;
  }

  std::string link_names_of(std::uint32_t site) const {
    std::vector<std::string> names;
    for (const LinkInfo& l : links_) {
      if (l.a == site || l.b == site) names.push_back(site_pair(sites_[l.a].name, sites_[l.b].name));
    }
    return names.empty() ? "none" : detail::list_names(names);
  }

  std::string window_text(sim::Time down, sim::Time up) const {
    return "[" + sim::format_duration(down) + ", " +
           (up == sim::kTimeMax ? std::string("end") : sim::format_duration(up)) + ")";
  }

  // The windows of a timed outage (at + duration or windows), checked; nullopt when invalid.
  std::optional<std::vector<std::pair<sim::Time, sim::Time>>> windows_of(const Json& o,
                                                                         const std::string& path) {
    std::vector<std::pair<sim::Time, sim::Time>> out;
    std::vector<std::string> paths;
    if (o.contains("at")) {
      auto at = duration_of(o["at"]);
      auto length = duration_of(o["duration"]);
      if (!at || !length) return std::nullopt;
      out.emplace_back(*at, sim::add_saturating(*at, *length));
      paths.push_back(path + "/duration");
    } else {
      const Json& ws = o["windows"];
      if (!ws.is_array()) return std::nullopt;
      for (std::size_t k = 0; k < ws.size(); ++k) {
        if (!ws[k].is_array() || ws[k].size() != 2) return std::nullopt;
        auto down = duration_of(ws[k][0]), up = duration_of(ws[k][1]);
        if (!down || !up) return std::nullopt;
        out.emplace_back(*down, *up);
        paths.push_back(path + "/windows/" + std::to_string(k));
      }
    }
    const sim::Time duration = duration_of(r_["duration"]).value_or(sim::kTimeMax);
    bool ok = true;
    for (std::size_t k = 0; k < out.size(); ++k) {
      const auto [down, up] = out[k];
      if (up <= down) {
        diag_.add(paths[k], "the window " + window_text(down, up) + " must end after it starts");
        ok = false;
      } else if (up > duration) {
        diag_.add(paths[k], "the window " + window_text(down, up) + " ends after the run (duration " +
                                sim::format_duration(duration) + ")");
        ok = false;
      } else if (k > 0 && down < out[k - 1].second) {
        diag_.add(paths[k], "windows must be sorted and disjoint: " +
                                window_text(out[k - 1].first, out[k - 1].second) + " then " +
                                window_text(down, up));
        ok = false;
      }
    }
    return ok ? std::optional(out) : std::nullopt;
  }

  // REQUIRES: no error was reported for `v` (a duration string or a distribution).
  static sim::Distribution time_distribution(const Json& v) {
    if (v.is_string()) return sim::Distribution::exponential(sim::to_seconds(*duration_of(v)));
    return distribution(v);
  }

  void check_outages() {
    Json& outages = r_["outages"];
    if (!outages.is_array() || outages.empty()) return;
    if (!network_) {
      diag_.add("/outages", "outages need a network section (add \"network\": {} to use the "
                            "defaults)");
      return;
    }
    for (std::size_t i = 0; i < outages.size(); ++i) {
      Json& o = outages[i];
      if (!o.is_object()) continue;
      const std::string path = "/outages/" + std::to_string(i);
      const std::string* kind_p = string_of(o, "kind");
      if (!kind_p) continue;
      const std::string kind = *kind_p;
      if (!o.contains("name")) {
        o["name"] = kind + "-" + std::to_string(i);
        reorder(o, spec_at({"outages"}));
      }
      const std::string name = o["name"].is_string() ? o["name"].get<std::string>() : kind;
      if (kind == "trace") {
        check_trace(o, path, name);
        continue;
      }
      // When: exactly one form.
      std::vector<std::string> forms;
      const bool at = o.contains("at") || o.contains("duration");
      const bool windows = o.contains("windows");
      const bool random = o.contains("mtbf") || o.contains("mttr");
      if (at) forms.push_back("at + duration");
      if (windows) forms.push_back("windows");
      if (random) forms.push_back("mtbf + mttr");
      bool timing_ok = forms.size() == 1;
      if (forms.empty()) {
        diag_.add(path, "say when it is down: give at + duration, windows, or mtbf + mttr");
      } else if (forms.size() > 1) {
        std::string given;
        for (const auto& f : forms) given += (given.empty() ? "" : " and ") + f;
        diag_.add(path, "give exactly one of at + duration, windows, or mtbf + mttr; got " + given);
      } else if (at && !(o.contains("at") && o.contains("duration"))) {
        diag_.add(path, std::string(o.contains("at") ? "'at' needs a 'duration'"
                                                     : "'duration' needs an 'at'"));
        timing_ok = false;
      } else if (random && !(o.contains("mtbf") && o.contains("mttr"))) {
        diag_.add(path, std::string(o.contains("mtbf") ? "'mtbf' needs an 'mttr'"
                                                       : "'mttr' needs an 'mtbf'"));
        timing_ok = false;
      }
      for (const char* k : {"mtbf", "mttr"}) {
        if (o.contains(k)) check_distribution(o[k], path + "/" + k, false);
      }
      std::optional<std::vector<std::pair<sim::Time, sim::Time>>> when;
      if (timing_ok && !random) {
        when = windows_of(o, path);
        if (!when) timing_ok = false;
      }

      // What.
      using Element = models::OutageElement;
      std::vector<Element> elements;
      bool independent = false;  // each element its own process (site and access, with mtbf)
      if (kind == "link") {
        const Json& between = o["between"];
        if (!between.is_array() || between.size() != 2) continue;
        auto a = exact_site(between[0], path + "/between/0");
        auto b = exact_site(between[1], path + "/between/1");
        if (!a || !b) continue;
        if (*a == *b) {
          diag_.add(path + "/between", "a link from site '" + sites_[*a].name + "' to itself");
          continue;
        }
        const auto found = links_between(*a, *b);
        if (found.empty() && !sites_incomplete_) {
          diag_.add(path + "/between", "there is no site link between " + sites_[*a].name +
                                           " and " + sites_[*b].name + "; links of " +
                                           sites_[*a].name + ": " + link_names_of(*a));
          continue;
        }
        for (std::uint32_t k : found) elements.push_back({Element::Kind::kSiteLink, k});
      } else if (kind == "site") {
        auto sites = select(o["site"], path + "/site");
        if (!sites) continue;
        for (std::uint32_t k : *sites) elements.push_back({Element::Kind::kSite, k});
        independent = random;
      } else if (kind == "access") {
        auto devices = select_devices(o["devices"], path + "/devices");
        if (!devices) continue;
        for (std::uint32_t d : *devices) elements.push_back({Element::Kind::kAccessLink, d});
        independent = random;
      } else if (kind == "partition") {
        if (!partition_links(o, path, elements)) continue;
      }
      if (!timing_ok) continue;
      auto config = [&](std::string n, std::vector<Element> e) {
        models::OutageConfig c;
        c.name = std::move(n);
        c.elements = std::move(e);
        if (random) {
          c.random = true;
          c.mtbf_s = time_distribution(o["mtbf"]);
          c.mttr_s = time_distribution(o["mttr"]);
        } else {
          c.windows = *when;
        }
        return c;
      };
      if (random && diag_.count() > 0) continue;  // the distributions may be invalid
      if (independent) {
        for (const Element& e : elements) {
          const std::string& what = e.kind == Element::Kind::kSite ? sites_[e.index].name
                                                                   : device_names()[e.index];
          outages_.push_back(config(name + ":" + what, {e}));
        }
      } else {
        outages_.push_back(config(name, std::move(elements)));
      }
    }
  }

  // The site links a partition cuts: those whose ends are in two different groups.
  bool partition_links(const Json& o, const std::string& path,
                       std::vector<models::OutageElement>& elements) {
    const Json& groups = o["groups"];
    if (!groups.is_array()) return false;
    std::vector<int> group_of(sites_.size(), -1);
    bool ok = true;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string at = path + "/groups/" + std::to_string(g);
      auto sites = select(groups[g], at);
      if (!sites) {
        ok = false;
        continue;
      }
      for (std::uint32_t s : *sites) {
        if (group_of[s] >= 0) {
          diag_.add(at, "site '" + sites_[s].name + "' is in group " + std::to_string(group_of[s]) +
                            " and in group " + std::to_string(g) + "; groups must not overlap");
          ok = false;
          break;
        }
        group_of[s] = static_cast<int>(g);
      }
    }
    if (!ok) return false;
    for (std::uint32_t k = 0; k < links_.size(); ++k) {
      const int ga = group_of[links_[k].a], gb = group_of[links_[k].b];
      if (ga >= 0 && gb >= 0 && ga != gb) {
        elements.push_back({models::OutageElement::Kind::kSiteLink, k});
      }
    }
    if (elements.empty()) {
      diag_.add(path + "/groups", "the partition cuts no site link: no link joins two of its "
                                  "groups");
      return false;
    }
    return true;
  }

  void check_trace(const Json& o, const std::string& path, const std::string& name) {
    const std::string* file = string_of(o, "file");
    if (!file) return;
    const std::filesystem::path full = base_dir_ / *file;
    std::error_code ec;
    const char* problem = !std::filesystem::exists(full, ec)          ? "no such file"
                          : std::filesystem::is_directory(full, ec) ? "it is a directory"
                                                                     : nullptr;
    std::ifstream in(full, std::ios::binary);
    std::ostringstream text;
    if (!problem && in) text << in.rdbuf();
    if (!problem && (!in || in.bad())) problem = "not readable";
    if (problem) {
      diag_.add(path + "/file", "cannot read trace file '" + full.string() + "': " + problem);
      return;
    }
    const detail::TraceText trace = detail::parse_outage_trace(text.str(), *file);
    constexpr std::size_t kShown = 10;
    std::size_t errors = 0;
    auto report = [&](std::string message) {
      if (errors++ < kShown) diag_.add(path + "/file", std::move(message));
    };
    for (const std::string& e : trace.errors) report(e);
    if (devices_incomplete_ || fleet_incomplete_ || sites_incomplete_) return;
    // Each element: its windows, in order of first appearance.
    struct State {
      models::OutageConfig config;
      sim::Time down_since = -1;
    };
    std::vector<State> states;
    std::unordered_map<std::string, std::size_t> seen;
    std::vector<std::string> link_names;
    for (const LinkInfo& l : links_) link_names.push_back(site_pair(sites_[l.a].name, sites_[l.b].name));
    using Element = models::OutageElement;
    for (const detail::TraceRow& row : trace.rows) {
      auto [it, fresh] = seen.emplace(row.element, states.size());
      if (fresh) {
        std::vector<Element> elements;
        if (auto s = site_index_.find(row.element); s != site_index_.end()) {
          elements.push_back({Element::Kind::kSite, s->second});
        } else if (auto dash = row.element.find("--"); dash != std::string::npos &&
                                                      site_index_.contains(row.element.substr(0, dash)) &&
                                                      site_index_.contains(row.element.substr(dash + 2))) {
          const auto found = links_between(site_index_[row.element.substr(0, dash)],
                                           site_index_[row.element.substr(dash + 2)]);
          for (std::uint32_t k : found) elements.push_back({Element::Kind::kSiteLink, k});
          if (found.empty()) {
            report(*file + ":" + std::to_string(row.line) + ": there is no site link " +
                   row.element);
          }
        } else {
          device_names();
          if (auto d = device_index_.find(row.element); d != device_index_.end()) {
            elements.push_back({Element::Kind::kAccessLink, d->second});
          } else {
            std::vector<std::string> candidates = site_names_;
            candidates.insert(candidates.end(), link_names.begin(), link_names.end());
            if (device_names_.size() <= 100000) {
              candidates.insert(candidates.end(), device_names_.begin(), device_names_.end());
            }
            report(*file + ":" + std::to_string(row.line) + ": unknown element '" + row.element +
                   "';" + detail::did_you_mean(row.element, candidates) +
                   " an element is a site, a device, or A--B (the link between sites A and B)");
          }
        }
        State st;
        st.config.name = name + ":" + row.element;
        st.config.elements = std::move(elements);
        states.push_back(std::move(st));
      }
      State& st = states[it->second];
      if (row.down && st.down_since < 0) {
        st.down_since = row.time;
      } else if (!row.down && st.down_since >= 0) {
        if (row.time > st.down_since) st.config.windows.emplace_back(st.down_since, row.time);
        st.down_since = -1;
      }  // a state that repeats the current one changes nothing
    }
    if (errors > kShown) {
      diag_.add(path + "/file", *file + ": ... and " + std::to_string(errors - kShown) +
                                    " more errors");
    }
    for (State& st : states) {
      if (st.down_since >= 0) st.config.windows.emplace_back(st.down_since, sim::kTimeMax);
      if (!st.config.elements.empty() && !st.config.windows.empty()) {
        outages_.push_back(std::move(st.config));
      }
    }
  }

  // The devices of `sites` that have none (reported at `path` as unable to do `what`).
  void require_devices(const std::vector<std::uint32_t>& sites, const std::string& path,
                       const char* what) {
    std::vector<std::string> empty;
    for (std::uint32_t s : sites) {
      if (sites_[s].devices == 0 && !sites_[s].maybe_devices && !fleet_incomplete_) {
        empty.push_back(sites_[s].name);
      }
    }
    if (!empty.empty()) {
      diag_.add(path, std::string(empty.size() == 1 ? "site " : "sites ") +
                          detail::list_names(empty, 5) + (empty.size() == 1 ? " has" : " have") +
                          " no devices " + what +
                          "; add a fleet entry there or narrow the selector");
    }
  }

  // A site given by exact name; nullopt (reported) when there is none.
  std::optional<std::uint32_t> exact_site(const Json& v, const std::string& path) {
    if (!v.is_string()) return std::nullopt;
    const std::string& name = v.get_ref<const std::string&>();
    if (auto it = site_index_.find(name); it != site_index_.end()) return it->second;
    if (!sites_incomplete_) {
      diag_.add(path, "unknown site '" + name + "';" + detail::did_you_mean(name, site_names_) +
                          " sites: " + detail::list_names(site_names_));
    }
    return std::nullopt;
  }

  // Uniform high below low, in a distribution (durations or sizes).
  void check_distribution(const Json& d, const std::string& path, bool sizes) {
    if (!d.is_object()) return;
    auto low = amount_of(d, "low", sizes), high = amount_of(d, "high", sizes);
    if (low && high && *high < *low) {
      diag_.add(path + "/high", "high (" + d["high"].get<std::string>() + ") is below low (" +
                                    d["low"].get<std::string>() + ")");
    }
  }

  void check_workloads() {
    const Json& workloads = r_["workloads"];
    if (!workloads.is_array()) return;
    std::unordered_map<std::string, std::size_t> names;
    workload_sites_.resize(workloads.size());
    workload_devices_.resize(workloads.size());
    workload_peer_.resize(workloads.size());
    for (std::size_t i = 0; i < workloads.size(); ++i) {
      const Json& w = workloads[i];
      if (!w.is_object()) continue;
      const std::string path = "/workloads/" + std::to_string(i);
      if (const std::string* name = string_of(w, "name")) {
        if (auto [it, fresh] = names.emplace(*name, i); !fresh) {
          diag_.add(path + "/name", "duplicate workload name '" + *name + "', also /workloads/" +
                                        std::to_string(it->second));
        }
      }
      const std::string* kind = string_of(w, "kind");
      if (!kind) continue;
      if (*kind == "requests") {
        if (!w.contains("sites")) {
          diag_.add(path + "/sites", "missing required key 'sites' (" +
                                         std::string(spec_at({"workloads"}).find("sites")->help) +
                                         ")");
        } else if (auto sites = select(w["sites"], path + "/sites")) {
          require_devices(*sites, path + "/sites", "to serve the requests");
          workload_sites_[i] = *sites;
        }
        if (w.contains("service")) check_distribution(w["service"], path + "/service", false);
        continue;
      }
      if (*kind != "transfers" && *kind != "messages") continue;
      if (!network_) {
        diag_.add(path + "/kind", *kind + " workloads need a network section (add \"network\": "
                                          "{} to use the defaults)");
      }
      const bool by_sites = w.contains("sites"), by_devices = w.contains("devices");
      if (by_sites && by_devices) {
        diag_.add(path + "/devices", "give 'sites' or 'devices', not both");
      } else if (!by_sites && !by_devices) {
        diag_.add(path, "missing 'sites' or 'devices': which devices take part in " + *kind);
      } else if (by_sites) {
        if (auto sites = select(w["sites"], path + "/sites")) {
          require_devices(*sites, path + "/sites", ("to take part in " + *kind).c_str());
          workload_sites_[i] = *sites;
          for (std::uint32_t d = 0; d < device_site_.size(); ++d) {
            if (std::binary_search(sites->begin(), sites->end(), device_site_[d])) {
              workload_devices_[i].push_back(d);
            }
          }
        }
      } else if (auto devices = select_devices(w["devices"], path + "/devices")) {
        workload_devices_[i] = *devices;
      }
      if (w.contains("peer")) {
        if (auto peer = exact_site(w["peer"], path + "/peer")) workload_peer_[i] = *peer;
      }
      if (auto size = w.find("size"); size != w.end()) {
        if (*kind == "messages" && size->is_object()) {
          diag_.add(path + "/size", "messages have one size: give a size string such as "
                                    "\"512B\", not a distribution");
        } else {
          check_distribution(*size, path + "/size", true);
        }
      }
    }
  }

  // REQUIRES: `s` is a valid distribution object (no error was reported). Durations in seconds,
  // sizes in bytes.
  static sim::Distribution distribution(const Json& s, bool sizes = false) {
    const std::string kind = s["distribution"].get<std::string>();
    auto val = [&](const char* k) { return *amount_of(s, k, sizes); };
    auto num = [&](const char* k) { return s[k].get<double>(); };
    if (kind == "constant") return sim::Distribution::constant(val("value"));
    if (kind == "exponential") return sim::Distribution::exponential(val("mean"));
    if (kind == "uniform") return sim::Distribution::uniform(val("low"), val("high"));
    if (kind == "normal") return sim::Distribution::normal(val("mean"), val("stddev"));
    if (kind == "weibull") return sim::Distribution::weibull(num("shape"), val("scale"));
    if (s.contains("mean")) return sim::Distribution::lognormal_mean_cv(val("mean"), num("cv"));
    return sim::Distribution::lognormal(num("mu"), num("sigma"));
  }

  static models::Dispatch dispatch(const std::string& d) {
    if (d == "random") return models::Dispatch::kRandom;
    if (d == "round_robin") return models::Dispatch::kRoundRobin;
    return models::Dispatch::kLeastLoaded;
  }

  static Json type_json(const models::DeviceType& t) {
    return {{"cores", t.cores},
            {"core_speed", t.core_speed},
            {"memory", sim::format_size(t.memory_bytes)},
            {"arch", t.arch},
            {"accelerator", t.accelerator},
            {"idle_power_w", t.idle_power_w},
            {"max_power_w", t.max_power_w}};
  }

  // REQUIRES: no error was reported. Access links by device, site links with their parameters.
  void build_network(models::FleetConfig& out) {
    const Json& net = r_["network"];
    models::NetworkConfig& nc = out.network;
    nc.enabled = true;
    const Json& fleet = r_["fleet"];
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      const models::AccessConfig a = access_config(fleet[i]["access"]);
      const auto n = fleet[i]["count"].get<std::uint64_t>() * entries_[i].sites.size();
      nc.access.insert(nc.access.end(), n, a);
    }
    // A parameter of a link: its own, else its bandwidth, else the backhaul's.
    const Json& backhaul = net["backhaul"];
    auto rate = [&](const Json& l, const char* dir) {
      if (auto v = rate_of(l, dir)) return *v;
      if (auto v = rate_of(l, "bandwidth")) return *v;
      if (auto v = rate_of(backhaul, dir)) return *v;
      return *rate_of(backhaul, "bandwidth");
    };
    const sim::Time base_latency = *duration_of(backhaul["latency"]);
    const sim::Distribution base_jitter = backhaul.contains("jitter")
                                              ? distribution(backhaul["jitter"])
                                              : sim::Distribution::constant(0.0);
    const sim::Time per_unit = net.contains("random_geometric")
                                   ? *duration_of(net["random_geometric"]["latency_per_unit"])
                                   : 0;
    for (std::size_t k = 0; k < links_.size(); ++k) {
      const LinkInfo& info = links_[k];
      models::SiteLinkConfig l{info.a, info.b, rate(backhaul, "up"), rate(backhaul, "down"),
                               base_latency, base_jitter};
      if (k < generated_links_) {
        l.latency = sim::add_saturating(
            l.latency, sim::from_seconds(info.distance * sim::to_seconds(per_unit)));
      } else {
        const Json& e = net["links"][std::stoul(info.path.substr(info.path.rfind('/') + 1))];
        l.ab_bps = rate(e, "up");
        l.ba_bps = rate(e, "down");
        if (auto latency = duration_of(e.value("latency", Json()))) l.latency = *latency;
        if (e.contains("jitter")) l.jitter_s = distribution(e["jitter"]);
      }
      nc.links.push_back(l);
    }
    nc.message_threshold_bytes = sim::parse_size(net["message_threshold"].get<std::string>()).value;
    nc.queue_capacity = net["store_and_forward"]["capacity"].get<std::uint32_t>();
    nc.drop = net["store_and_forward"]["drop"] == "newest" ? network::DropPolicy::kDropNewest
                                                           : network::DropPolicy::kDropOldest;
    nc.busiest_links = net["busiest_links"].get<std::uint32_t>();

    // The resolved document: explicit links with every parameter.
    Json& links = r_["network"]["links"];
    for (Json& e : links) {
      for (const char* dir : {"up", "down"}) {
        if (e.contains(dir)) continue;
        e[dir] = e.contains("bandwidth")   ? e["bandwidth"]
                 : backhaul.contains(dir) ? backhaul[dir]
                                          : backhaul["bandwidth"];
      }
      if (!e.contains("latency")) e["latency"] = backhaul["latency"];
      if (!e.contains("jitter") && backhaul.contains("jitter")) e["jitter"] = backhaul["jitter"];
      reorder(e, spec_at({"network", "links"}));
    }
  }

  // REQUIRES: no error was reported (every value is present and valid).
  void build(models::FleetConfig& out) {
    out.seed = r_["seed"].get<std::uint64_t>();
    out.duration = *duration_of(r_["duration"]);
    out.warmup = *duration_of(r_["warmup"]);
    out.max_requests = r_["max_requests"].get<std::uint64_t>();
    out.sample_interval = *duration_of(r_["output"]["sample_interval"]);
    out.record_requests = r_["output"]["request_events"].get<bool>();
    for (const SiteInfo& s : sites_) out.sites.push_back({s.name, s.kind});

    // Types: those the fleet uses, in order of first use.
    std::map<std::string, std::uint32_t> type_index;
    const Json& fleet = r_["fleet"];
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      const EntryInfo& e = entries_[i];
      auto [it, fresh] = type_index.emplace(e.type, static_cast<std::uint32_t>(out.types.size()));
      if (fresh) out.types.push_back(types_.at(e.type).type);
      std::vector<std::pair<std::string, std::string>> labels;
      for (const auto& [k, v] : fleet[i]["labels"].items()) labels.emplace_back(k, v.get<std::string>());
      const std::string prefix = fleet[i]["name"].get<std::string>();
      const auto count = fleet[i]["count"].get<std::uint64_t>();
      for (std::uint32_t s : e.sites) {
        for (std::uint64_t k = 1; k <= count; ++k) {
          out.devices.push_back({prefix + "-" + sites_[s].name + "-" + std::to_string(k),
                                 it->second, s, labels});
        }
      }
    }

    const Json& workloads = r_["workloads"];
    for (std::size_t i = 0; i < workloads.size(); ++i) {
      const Json& w = workloads[i];
      const std::string& kind = w["kind"].get_ref<const std::string&>();
      if (kind == "requests") {
        out.workloads.push_back({w["name"].get<std::string>(), workload_sites_[i],
                                 w["arrivals"]["poisson_per_s"].get<double>(),
                                 distribution(w["service"]),
                                 dispatch(w["dispatch"].get<std::string>())});
      } else if (kind == "transfers") {
        const Json& size = w["size"];
        out.transfers.push_back(
            {w["name"].get<std::string>(), workload_devices_[i], workload_peer_[i],
             w["direction"] == "upload", w["arrivals"]["poisson_per_s"].get<double>(),
             size.is_string() ? sim::Distribution::constant(static_cast<double>(
                                    sim::parse_size(size.get<std::string>()).value))
                              : distribution(size, true),
             w["on_break"] == "fail" ? network::OnBreak::kFail : network::OnBreak::kResume,
             *duration_of(w["timeout"])});
      } else {
        out.messages.push_back({w["name"].get<std::string>(), workload_devices_[i],
                                workload_peer_[i], *duration_of(w["interval"]),
                                sim::parse_size(w["size"].get<std::string>()).value});
      }
    }
    if (network_) build_network(out);
    out.outages = std::move(outages_);

    // The resolved document records every type the run used, in full.
    Json types = Json::object();
    for (const auto& [name, entry] : r_["device_types"].items()) {
      Json t = entry.contains("base") ? Json{{"base", entry["base"]}} : Json::object();
      t.update(type_json(types_.at(name).type));
      types[name] = t;
    }
    for (const models::DeviceType& t : out.types) {
      if (!types.contains(t.name)) types[t.name] = type_json(t);
    }
    r_["device_types"] = types;
  }

  Json& r_;
  Diagnostics& diag_;
  std::unordered_map<std::string, TypeInfo> types_;
  std::unordered_map<std::string, bool> resolved_;
  std::vector<SiteInfo> sites_;
  std::vector<std::string> site_names_;
  std::unordered_map<std::string, std::uint32_t> site_index_;
  std::vector<EntryInfo> entries_;
  bool fleet_incomplete_ = false;  // some fleet entry's sites are unknown
  bool sites_incomplete_ = false;  // some site name failed to expand
  std::vector<std::vector<std::uint32_t>> workload_sites_;
  // Network, outages, transfers and messages.
  std::filesystem::path base_dir_;
  bool network_ = false;  // the scenario has a network section
  struct LinkInfo {
    std::uint32_t a, b;
    double distance;   // random_geometric: in sides of the unit square
    std::string path;  // explicit links: "/network/links/<k>"; "" for generated ones
  };
  std::vector<LinkInfo> links_;  // generated, then explicit: NetworkConfig::links
  std::size_t generated_links_ = 0;
  std::vector<models::OutageConfig> outages_;
  std::vector<std::vector<std::uint32_t>> workload_devices_;  // transfers, messages
  std::vector<std::uint32_t> workload_peer_;
  std::vector<std::uint32_t> device_site_;  // by device; empty when the fleet is invalid
  bool devices_incomplete_ = false;
  std::vector<std::string> device_names_;  // built on first use
  std::unordered_map<std::string, std::uint32_t> device_index_;
};

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
  for (std::size_t i = 0; i < errors.size() && i < kShown; ++i) s += errors[i].format(source) + "\n";
  if (errors.size() > kShown) {
    s += source + ": ... and " + std::to_string(errors.size() - kShown) + " more errors\n";
  }
  return s;
}

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
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
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

namespace {

LoadResult load_text(std::string_view text, std::string_view source,
                     const std::vector<std::string>& overrides,
                     const std::filesystem::path& base_dir) {
  LoadResult result;
  result.source = std::string(source);
  if (auto deep = too_deep(text)) {
    int line = 0, column = 0;
    detail::line_column(text, *deep, line, column);
    result.errors.push_back({"", line, "JSON nested deeper than " + std::to_string(kMaxDepth) +
                                           " levels at line " + std::to_string(line) +
                                           ", column " + std::to_string(column)});
    return result;
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::out_of_range& e) {  // e.g. a number beyond double's range
    std::string what = e.what();
    if (auto bracket = what.find("] "); bracket != std::string::npos) what = what.substr(bracket + 2);
    result.errors.push_back({"", 0, "invalid JSON: " + what});
    return result;
  } catch (const Json::parse_error& e) {
    int line = 0, column = 0;
    detail::line_column(text, e.byte > 0 ? e.byte - 1 : 0, line, column);
    std::string what = e.what();
    // nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    result.errors.push_back({"", line, "invalid JSON at line " + std::to_string(line) +
                                           ", column " + std::to_string(column) + ": " + what});
    return result;
  }
  const detail::LineMap lines(text);
  Diagnostics diag(&lines);
  for (const ScenarioError& e : lines.duplicate_keys()) diag.add(e);
  if (!doc.is_object()) {
    diag.add("", "a scenario is a JSON object ({ \"name\": ..., \"sites\": ... }), got " +
                     detail::describe(doc));
  } else {
    for (const std::string& o : overrides) apply_override(doc, o, diag);
    Json resolved = detail::resolve_object(doc, detail::scenario_spec(), "", diag);
    models::FleetConfig fleet;
    Builder(resolved, diag, base_dir).run(fleet);
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

LoadResult load_scenario_text(std::string_view text, std::string_view source,
                              const std::vector<std::string>& overrides) {
  return load_text(text, source, overrides, "");
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  const char* problem = !std::filesystem::exists(path, ec)          ? "no such file"
                        : std::filesystem::is_directory(path, ec) ? "it is a directory"
                                                                   : nullptr;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!problem && in) text << in.rdbuf();
  if (!problem && (!in || in.bad())) problem = "not readable";
  if (problem) {
    LoadResult result;
    result.source = path;
    result.errors.push_back({"", 0, "cannot read scenario file '" + path + "': " + problem});
    return result;
  }
  return load_text(text.str(), path, overrides, std::filesystem::path(path).parent_path());
}

LoadResult load_default_scenario(const std::vector<std::string>& overrides) {
  return load_scenario_text(default_scenario_text(), "<default>", overrides);
}

std::string_view default_scenario_text() { return detail::embedded_default_scenario(); }

}  // namespace edgetwin::scenarios
