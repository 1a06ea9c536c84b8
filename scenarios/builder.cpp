// The order of the passes, the limits on what can be simulated, and the build.
#include "scenarios/detail/builder.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "scenarios/detail/values.h"
#include "sim/event.h"

namespace edgetwin::scenarios::detail {
namespace {

Json type_json(const models::DeviceType& t) {
  return {{"cores", t.cores},
          {"core_speed", t.core_speed},
          {"memory", sim::format_size(t.memory_bytes)},
          {"arch", t.arch},
          {"accelerator", t.accelerator},
          {"idle_power_w", t.idle_power_w},
          {"max_power_w", t.max_power_w},
          {"storage", sim::format_size(t.storage_bytes)},
          {"accelerators", t.accelerators},
          {"accelerator_memory", sim::format_size(t.accelerator_memory_bytes)},
          {"accelerator_power_w", t.accelerator_power_w},
          {"network_interface", t.network_interface},
          {"nic", sim::format_rate(t.nic_bps)},
          {"locality", t.locality},
          {"execution_profile", t.fet_profile.empty() ? "none" : t.fet_profile},
          {"container_start",
           {{"s", t.container_start.s},
            {"loc", t.container_start.loc},
            {"scale", t.container_start.scale},
            {"xmin", t.container_start.xmin},
            {"xmax", t.container_start.xmax}}},
          {"max_instances", t.max_instances},
          {"interference", t.interference}};
}

}  // namespace

void Builder::run(models::FleetConfig& out) {
  check_times();
  resolve_types();
  expand_sites();
  expand_fleet();
  network_ = r_.contains("network") && r_["network"].is_object();
  check_network();
  check_functions();
  check_workloads();
  check_outages();
  check_lifecycle();
  check_scheduler();
  if (diag_.count() == 0) check_scale();
  if (diag_.count() == 0) build(out);
  if (diag_.count() == 0) check_outage_scale(out);
}

// Runs the engine cannot hold, or that would not end in any reasonable time, are refused
// before anything is built: logical processes (devices + arrival sources + 1) must fit the
// event key; expected events (3 per request plus samples) at most kMaxEvents.
constexpr double kMaxEvents = 1e11;  // about 1.5 h at 20 M events/s

// Random outages alternate down and up: about 2 * duration / (mean mtbf + mean mttr) events each,
// known only once each is built (a selector may make one per site or device).
void Builder::check_outage_scale(const models::FleetConfig& out) {
  const double seconds = sim::to_seconds(out.duration);
  double events = 0.0;
  for (const models::OutageConfig& o : out.outages) {
    if (!o.random) continue;
    const double cycle = o.mtbf_s.mean() + o.mttr_s.mean();
    events += cycle > 0.0 ? 2.0 * seconds / cycle : kMaxEvents * 2.0;
  }
  for (const models::DeviceFailureConfig& f : out.lifecycle.failures) {
    if (!f.random) continue;
    const double cycle = f.mtbf_s.mean() + f.mttr_s.mean();
    events += static_cast<double>(f.groups()) *
              (cycle > 0.0 ? 2.0 * seconds / cycle : kMaxEvents * 2.0);
  }
  if (events > kMaxEvents) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "the random outages would go down and up about %.3g times (at most %.0e): "
                  "lengthen mtbf and mttr",
                  events, kMaxEvents);
    diag_.add("/outages", buf);
  }
}


void Builder::check_scale() {
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
      // Streams: one per site, device or workload (scope), times the trace rows (azure_trace);
      // a trace with a site column has one per site. With scope device this counts every device
      // of the sites, an upper bound: functions are resolved later, and devices that cannot run
      // the workload's function get no stream.
      std::uint64_t streams = workload_sites_[i].size();
      if (workload_scope_[i] == models::ArrivalScope::kDevice) {
        streams = 0;
        for (std::uint32_t s : workload_sites_[i]) streams += sites_[s].devices;
      } else if (workload_scope_[i] == models::ArrivalScope::kFleet) {
        streams = 1;
      }
      streams *= workload_arrivals_[i].kind == models::ArrivalProcess::Kind::kAzureTrace
                     ? workload_arrivals_[i].parts()
                     : 1;
      sources += streams;
      // The long-run mean rate: a diurnal or bursty process offers about as many in all.
      requests += workload_rate_[i] * static_cast<double>(streams) * seconds;
    } else if (kind == "transfers") {
      transfers += workload_rate_[i] * n * seconds;
    } else {
      messages += n * seconds / sim::to_seconds(*duration_of(w["interval"]));
    }
  }
  // The network's processes: the network, outages, sampling, and one per transfer or message
  // workload (models/network_activity.h).
  if (network_) sources += 3 + workloads.size();
  sources += 2;  // the lifecycle's driver and sampler, when it has anything to do
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

void Builder::check_times() {
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

void Builder::build(models::FleetConfig& out) {
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
    for (const auto& [k, v] : fleet[i]["labels"].items())
      labels.emplace_back(k, v.get<std::string>());
    const std::string prefix = fleet[i]["name"].get<std::string>();
    const auto count = fleet[i]["count"].get<std::uint64_t>();
    for (std::uint32_t s : e.sites) {
      for (std::uint64_t k = 1; k <= count; ++k) {
        out.devices.push_back({device_name(prefix, s, k), it->second, s, labels});
      }
    }
  }

  out.registry_site = registry_;
  build_workloads(out);
  if (network_) build_network(out);
  out.outages = std::move(outages_);
  check_placeable(out);
  build_lifecycle(out);
  build_scheduler(out);

  // The resolved document records every type the run used, in full.
  Json types = Json::object();
  for (const auto& [name, entry] : r_["device_types"].items()) {
    Json t = entry.contains("base") ? Json{{"base", entry["base"]}} : Json::object();
    t.update(type_json(types_.at(name).type));
    if (entry.contains("battery")) t["battery"] = entry["battery"];
    types[name] = t;
  }
  for (const models::DeviceType& t : out.types) {
    if (!types.contains(t.name)) types[t.name] = type_json(t);
  }
  r_["device_types"] = types;
}

}  // namespace edgetwin::scenarios::detail
