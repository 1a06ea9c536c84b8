// Device lifecycle: the device outage kinds (device_failures, site_power, batch, maintenance,
// device_trace), batteries, provisioning and retirement of fleet entries, and the failure
// policy. Checked here, built into FleetConfig::lifecycle (models/lifecycle.h).
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/names.h"
#include "scenarios/detail/trace.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {
namespace {

constexpr std::uint32_t kBatchPurpose = sim::purpose_id("failure-selection");

sim::Distribution time_distribution(const Json& v) {
  if (v.is_string()) return sim::Distribution::exponential(sim::to_seconds(*duration_of(v)));
  return distribution(v);
}

models::DeviceState state_named(const std::string& s) {
  if (s == "updating") return models::DeviceState::kUpdating;
  if (s == "rebooting") return models::DeviceState::kRebooting;
  if (s == "failed") return models::DeviceState::kFailed;
  return models::DeviceState::kOffline;
}

}  // namespace

bool Builder::is_device_kind(const std::string& kind) {
  return kind == "device_failures" || kind == "site_power" || kind == "batch" ||
         kind == "maintenance" || kind == "device_trace";
}

// The devices a device_failures, batch or maintenance outage selects: those matching every
// selector given (devices, sites, type), then a random `fraction` of them. nullopt: reported.
std::optional<Builder::Indices> Builder::selected_devices(const Json& o, std::size_t index,
                                                          const std::string& path) {
  if (devices_incomplete_ || fleet_incomplete_ || device_site_.empty()) return std::nullopt;
  const std::size_t n = device_site_.size();
  std::vector<std::uint8_t> keep(n, 1);
  bool ok = true;
  if (o.contains("devices")) {
    auto devices = select_devices(o["devices"], path + "/devices");
    if (!devices) {
      ok = false;
    } else {
      std::vector<std::uint8_t> in(n, 0);
      for (std::uint32_t d : *devices) in[d] = 1;
      for (std::size_t d = 0; d < n; ++d) keep[d] &= in[d];
    }
  }
  if (o.contains("sites")) {
    auto sites = select(o["sites"], path + "/sites");
    if (!sites) {
      ok = false;
    } else {
      std::vector<std::uint8_t> in(sites_.size(), 0);
      for (std::uint32_t s : *sites) in[s] = 1;
      for (std::size_t d = 0; d < n; ++d) keep[d] &= in[device_site_[d]];
    }
  }
  if (const std::string* type = string_of(o, "type")) {
    if (!types_.contains(*type)) {
      unknown_type(path + "/type", "device type", *type);
      ok = false;
    } else {
      std::size_t d = 0;
      const Json& fleet = r_["fleet"];
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        const std::size_t count =
            fleet[i]["count"].get<std::size_t>() * entries_[i].sites.size();
        const std::uint8_t same = entries_[i].type == *type ? 1 : 0;
        for (std::size_t k = 0; k < count; ++k, ++d) keep[d] &= same;
      }
    }
  }
  if (!ok) return std::nullopt;
  Indices out;
  for (std::uint32_t d = 0; d < n; ++d) {
    if (keep[d]) out.push_back(d);
  }
  if (out.empty()) {
    diag_.add(path, "selects no device (devices, sites and type must all match)");
    return std::nullopt;
  }
  if (auto f = number_of(o, "fraction"); f && *f > 0 && *f <= 1) {  // else reported
    // A uniformly random subset of round(f * n) (at least 1), drawn from the seed by a partial
    // Fisher-Yates shuffle, kept in device order.
    const auto m = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::llround(*f * static_cast<double>(out.size()))), 1,
        out.size());
    sim::RandomStream rng(r_["seed"].get<std::uint64_t>(), static_cast<std::uint32_t>(index),
                          kBatchPurpose);
    for (std::size_t k = 0; k < m; ++k) {
      std::swap(out[k], out[k + rng.uniform_int(out.size() - k)]);
    }
    out.resize(m);
    std::sort(out.begin(), out.end());
  }
  return out;
}

void Builder::check_device_outage(Json& o, std::size_t index, const std::string& kind,
                                  const std::string& name) {
  const std::string path = "/outages/" + std::to_string(index);
  if (kind == "device_trace") return check_device_trace(o, path, name);
  using models::FailureCause;
  models::DeviceFailureConfig c;
  c.name = name;
  c.cause = kind == "site_power"  ? FailureCause::kSitePower
            : kind == "batch"     ? FailureCause::kBatch
            : kind == "maintenance" ? FailureCause::kMaintenance
                                    : FailureCause::kCrash;
  if (const std::string* s = string_of(o, "state"); s && kind == "maintenance") {
    c.state = state_named(*s);
  }
  // When.
  bool timing_ok = true;
  const bool timed = o.contains("at") || o.contains("duration") || o.contains("windows") ||
                     o.contains("mtbf") || o.contains("mttr");
  if (kind == "maintenance" && !timed && !o.contains("daily")) {
    diag_.add(path, "say when it is down: give daily, at + duration, windows, or mtbf + mttr");
    timing_ok = false;
  } else if (o.contains("daily")) {
    for (const char* k : {"at", "duration", "windows", "mtbf", "mttr"}) {
      if (o.contains(k)) {
        diag_.add(path, std::string("give daily or '") + k + "', not both");
        timing_ok = false;
        break;
      }
    }
    const auto start = duration_of(o["daily"]["start"]);
    const auto length = duration_of(o["daily"]["duration"]);
    if (!start || !length) timing_ok = false;
    if (timing_ok) {
      c.daily = true;
      c.daily_start = *start;
      c.daily_length = *length;
    }
  } else {
    std::optional<Windows> when;
    timing_ok = check_timing(o, path, when);
    if (timing_ok && when) c.windows = *when;
    c.random = o.contains("mtbf") || o.contains("mttr");
  }
  // What.
  c.group_begin = {0};
  if (kind == "site_power") {
    auto sites = select(o["site"], path + "/site");
    if (!sites || devices_incomplete_ || device_site_.empty()) return;
    for (std::uint32_t s : *sites) {
      for (std::uint32_t d = 0; d < device_site_.size(); ++d) {
        if (device_site_[d] == s) c.devices.push_back(d);
      }
      if (c.devices.size() > c.group_begin.back()) {
        c.group_begin.push_back(static_cast<std::uint32_t>(c.devices.size()));
      }
    }
    if (c.devices.empty()) {
      diag_.add(path + "/site", "the selected sites have no devices");
      return;
    }
  } else {
    auto devices = selected_devices(o, index, path);
    if (!devices) return;
    c.devices = std::move(*devices);
    if (kind == "device_failures") {  // each device on its own
      for (std::uint32_t k = 1; k <= c.devices.size(); ++k) c.group_begin.push_back(k);
    } else {  // together
      c.group_begin.push_back(static_cast<std::uint32_t>(c.devices.size()));
    }
  }
  if (!timing_ok || diag_.count() > 0) return;  // distributions may be invalid
  if (c.random) {
    c.mtbf_s = time_distribution(o["mtbf"]);
    c.mttr_s = time_distribution(o["mttr"]);
  }
  device_failures_.push_back(std::move(c));
}

// A device failure trace: "time,device,state" rows; each device its own group, with its own
// windows in file order.
void Builder::check_device_trace(const Json& o, const std::string& path, const std::string& name) {
  TraceText trace;
  if (!read_outage_trace(o, path, "device", trace)) return;
  const std::string& file = *string_of(o, "file");  // read: present
  constexpr std::size_t kShown = 10;
  std::size_t errors = 0;
  auto report = [&](std::string message) {
    if (errors++ < kShown) diag_.add(path + "/file", std::move(message));
  };
  for (const std::string& e : trace.errors) report(e);
  if (devices_incomplete_ || fleet_incomplete_) return;
  const auto& names = device_names();
  struct Group {
    std::uint32_t device;
    std::vector<std::pair<sim::Time, sim::Time>> windows;
    sim::Time down_since = -1;
  };
  std::vector<Group> groups;
  std::unordered_map<std::uint32_t, std::size_t> group_of;
  for (const TraceRow& row : trace.rows) {
    const auto d = device_index_.find(row.element);
    if (d == device_index_.end()) {
      report(file + ":" + std::to_string(row.line) + ": unknown device '" + row.element + "';" +
             (names.size() <= 100000 ? did_you_mean(row.element, names) : std::string()) +
             " devices are named <name>-<site>-<k>: " + list_names(names, 6));
      continue;
    }
    auto [it, fresh] = group_of.emplace(d->second, groups.size());
    if (fresh) groups.push_back({d->second, {}, -1});
    Group& g = groups[it->second];
    if (row.down && g.down_since < 0) {
      g.down_since = row.time;
    } else if (!row.down && g.down_since >= 0) {
      if (row.time > g.down_since) g.windows.emplace_back(g.down_since, row.time);
      g.down_since = -1;
    }  // a state that repeats the current one changes nothing
  }
  if (errors > kShown) {
    diag_.add(path + "/file",
              file + ": ... and " + std::to_string(errors - kShown) + " more errors");
  }
  models::DeviceFailureConfig c;
  c.name = name;
  c.cause = models::FailureCause::kTrace;
  c.group_begin = {0};
  c.window_begin = {0};
  for (Group& g : groups) {
    if (g.down_since >= 0) g.windows.emplace_back(g.down_since, sim::kTimeMax);
    if (g.windows.empty()) continue;
    c.devices.push_back(g.device);
    c.group_begin.push_back(static_cast<std::uint32_t>(c.devices.size()));
    c.windows.insert(c.windows.end(), g.windows.begin(), g.windows.end());
    c.window_begin.push_back(static_cast<std::uint32_t>(c.windows.size()));
  }
  if (!c.devices.empty()) device_failures_.push_back(std::move(c));
}

// The battery a fleet entry's devices have: the entry's own, else the one declared for its type
// or, following `base`, for a type it derives from; nullptr: none.
const Json* Builder::battery_of_entry(const Json& entry) const {
  if (entry.contains("battery")) return &entry["battery"];
  const Json& declared = r_["device_types"];
  const Json* type = entry.contains("type") ? &entry["type"] : nullptr;
  for (int depth = 0; type && type->is_string() && depth < 64; ++depth) {
    const auto it = declared.find(type->get<std::string>());
    if (it == declared.end() || !it->is_object()) return nullptr;
    if (it->contains("battery")) return &(*it)["battery"];
    type = it->contains("base") ? &(*it)["base"] : nullptr;
  }
  return nullptr;
}

// Batteries (of fleet entries and device types): the checks that span keys.
void Builder::check_lifecycle() {
  std::vector<std::pair<const Json*, std::string>> batteries;
  if (const Json& fleet = r_["fleet"]; fleet.is_array()) {
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      if (fleet[i].is_object() && fleet[i].contains("battery")) {
        batteries.emplace_back(&fleet[i]["battery"], "/fleet/" + std::to_string(i) + "/battery");
      }
    }
  }
  if (const Json& types = r_["device_types"]; types.is_object()) {
    for (const auto& [name, t] : types.items()) {
      if (t.is_object() && t.contains("battery")) {
        batteries.emplace_back(&t["battery"], "/device_types/" + name + "/battery");
      }
    }
  }
  for (const auto& [battery, path] : batteries) {
    const Json& b = *battery;
    if (!b.is_object()) continue;
    if (b.contains("plug_in") && b["plug_in"].is_object()) {
      const auto start = duration_of(b["plug_in"]["start"]);
      const auto end = duration_of(b["plug_in"]["end"]);
      if (start && end && *start == *end) {
        diag_.add(path + "/plug_in/end", "the plug-in window must end at another time of day "
                                         "than it starts (" + sim::format_duration(*start) + ")");
      }
    }
  }
}

void Builder::build_lifecycle(models::FleetConfig& out) {
  models::LifecycleConfig& lc = out.lifecycle;
  lc.failures = std::move(device_failures_);
  const Json& policy = r_["on_device_failure"];
  out.on_device_failure = policy["policy"].get<std::string>() == "retry"
                              ? models::FailurePolicy::kRetry
                              : models::FailurePolicy::kLose;
  out.max_retries = policy["max_retries"].get<std::uint32_t>();
  const Json& fleet = r_["fleet"];
  const std::size_t n = out.devices.size();
  std::size_t d = 0;
  for (std::size_t i = 0; i < fleet.size(); ++i) {
    const Json& e = fleet[i];
    const std::size_t count = e["count"].get<std::size_t>() * entries_[i].sites.size();
    if (const Json* battery = battery_of_entry(e)) {
      const Json& b = *battery;
      models::BatteryConfig c;
      c.capacity_wh = b["capacity_wh"].get<double>();
      c.initial_fraction = b["initial"].get<double>();
      c.restart_fraction = b["restart_at"].get<double>();
      if (b.contains("solar_w")) c.solar_w = b["solar_w"].get<std::vector<double>>();
      if (b.contains("plug_in")) {
        c.plug_start = *duration_of(b["plug_in"]["start"]);
        c.plug_end = *duration_of(b["plug_in"]["end"]);
        c.plug_w = b["plug_in"]["power_w"].get<double>();
      }
      if (lc.battery_of.empty()) lc.battery_of.assign(n, models::LifecycleConfig::kNoBattery);
      std::fill_n(lc.battery_of.begin() + static_cast<std::ptrdiff_t>(d), count,
                  static_cast<std::uint32_t>(lc.batteries.size()));
      lc.batteries.push_back(std::move(c));
    }
    if (e.contains("provisioning")) {
      if (lc.provisioning.empty()) lc.provisioning.assign(n, 0);
      std::fill_n(lc.provisioning.begin() + static_cast<std::ptrdiff_t>(d), count,
                  *duration_of(e["provisioning"]));
    }
    if (e.contains("retire_at")) {
      if (lc.retire_at.empty()) lc.retire_at.assign(n, sim::kTimeMax);
      std::fill_n(lc.retire_at.begin() + static_cast<std::ptrdiff_t>(d), count,
                  *duration_of(e["retire_at"]));
    }
    d += count;
  }
}

}  // namespace edgetwin::scenarios::detail
