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

#include "scenarios/detail/embedded.h"
#include "scenarios/detail/names.h"
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

// ---- the checks that span values, and the build --------------------------------------------------

class Builder {
 public:
  Builder(Json& resolved, Diagnostics& diag) : r_(resolved), diag_(diag) {}

  // Checks everything; fills the resolved document's computed defaults. Builds `out` only when
  // there is no error at all.
  void run(models::FleetConfig& out) {
    check_times();
    resolve_types();
    expand_sites();
    expand_fleet();
    check_workloads();
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
    double requests = 0.0;
    const double seconds = sim::to_seconds(*duration_of(r_["duration"]));
    const Json& workloads = r_["workloads"];
    for (std::size_t i = 0; i < workloads.size(); ++i) {
      sources += workload_sites_[i].size();
      requests += workloads[i]["arrivals"]["poisson_per_s"].get<double>() *
                  static_cast<double>(workload_sites_[i].size()) * seconds;
    }
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
    if (3.0 * requests > kMaxEvents) {
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "the workloads would offer about %.3g requests (%.3g events; at most %.0e): "
                    "lower the rates or the duration, or set max_requests",
                    requests, 3.0 * requests, kMaxEvents);
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

  void check_workloads() {
    const Json& workloads = r_["workloads"];
    if (!workloads.is_array()) return;
    std::unordered_map<std::string, std::size_t> names;
    workload_sites_.resize(workloads.size());
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
      if (w.contains("sites")) {
        if (auto sites = select(w["sites"], path + "/sites")) {
          std::vector<std::string> empty;
          for (std::uint32_t s : *sites) {
            if (sites_[s].devices == 0 && !sites_[s].maybe_devices && !fleet_incomplete_) {
              empty.push_back(sites_[s].name);
            }
          }
          if (!empty.empty()) {
            diag_.add(path + "/sites",
                      std::string(empty.size() == 1 ? "site " : "sites ") +
                          detail::list_names(empty, 5) +
                          (empty.size() == 1 ? " has" : " have") +
                          " no devices to serve the requests; add a fleet entry there or narrow "
                          "the selector");
          }
          workload_sites_[i] = *sites;
        }
      }
      if (w.contains("service")) {
        const Json& s = w["service"];
        auto low = seconds_of(s, "low"), high = seconds_of(s, "high");
        if (low && high && *high < *low) {
          diag_.add(path + "/service/high", "high (" + s["high"].get<std::string>() +
                                                ") is below low (" + s["low"].get<std::string>() +
                                                ")");
        }
      }
    }
  }

  static sim::Distribution distribution(const Json& s) {
    const std::string kind = s["distribution"].get<std::string>();
    auto sec = [&](const char* k) { return *seconds_of(s, k); };
    auto num = [&](const char* k) { return s[k].get<double>(); };
    if (kind == "constant") return sim::Distribution::constant(sec("value"));
    if (kind == "exponential") return sim::Distribution::exponential(sec("mean"));
    if (kind == "uniform") return sim::Distribution::uniform(sec("low"), sec("high"));
    if (kind == "normal") return sim::Distribution::normal(sec("mean"), sec("stddev"));
    if (kind == "weibull") return sim::Distribution::weibull(num("shape"), sec("scale"));
    if (s.contains("mean")) return sim::Distribution::lognormal_mean_cv(sec("mean"), num("cv"));
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
      out.workloads.push_back({w["name"].get<std::string>(), workload_sites_[i],
                               w["arrivals"]["poisson_per_s"].get<double>(),
                               distribution(w["service"]),
                               dispatch(w["dispatch"].get<std::string>())});
    }

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

LoadResult load_scenario_text(std::string_view text, std::string_view source,
                              const std::vector<std::string>& overrides) {
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
    Builder(resolved, diag).run(fleet);
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
  return load_scenario_text(text.str(), path, overrides);
}

LoadResult load_default_scenario(const std::vector<std::string>& overrides) {
  return load_scenario_text(default_scenario_text(), "<default>", overrides);
}

std::string_view default_scenario_text() { return detail::embedded_default_scenario(); }

}  // namespace edgetwin::scenarios
