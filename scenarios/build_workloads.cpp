// Workloads: requests served by the devices of some sites, and the transfers and messages that
// devices exchange with a peer site over the network.
#include <algorithm>
#include <unordered_map>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {
namespace {

models::Dispatch dispatch(const std::string& d) {
  if (d == "random") return models::Dispatch::kRandom;
  if (d == "round_robin") return models::Dispatch::kRoundRobin;
  return models::Dispatch::kLeastLoaded;
}

}  // namespace

void Builder::check_workloads() {
  const Json& workloads = r_["workloads"];
  if (!workloads.is_array()) return;
  std::unordered_map<std::string, std::size_t> names;
  workload_sites_.resize(workloads.size());
  workload_devices_.resize(workloads.size());
  workload_peer_.resize(workloads.size());
  workload_arrivals_.resize(workloads.size());
  workload_rate_.resize(workloads.size());
  workload_scope_.resize(workloads.size(), models::ArrivalScope::kSite);
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
      if (const std::string* scope = string_of(w, "scope")) {
        workload_scope_[i] = *scope == "device" ? models::ArrivalScope::kDevice
                             : *scope == "fleet" ? models::ArrivalScope::kFleet
                                                 : models::ArrivalScope::kSite;
      }
      if (w.contains("service") && w.contains("function")) {
        diag_.add(path + "/function", "give 'service' (a plain service time) or 'function', not "
                                      "both");
      } else if (!w.contains("service") && !w.contains("function")) {
        diag_.add(path, "missing 'service' or 'function': what each request runs");
      } else if (const std::string* f = string_of(w, "function")) {
        function_info(*f, path + "/function");
      }
      check_arrivals(i, *kind, path);
      continue;
    }
    if (*kind != "transfers" && *kind != "messages") continue;
    if (*kind == "transfers") check_arrivals(i, *kind, path);
    if (!network_) {
      diag_.add(path + "/kind", *kind + " workloads need a network section " + kAddNetwork);
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
        diag_.add(path + "/size",
                  "messages have one size: give a size string such as "
                  "\"512B\", not a distribution");
      } else {
        check_distribution(*size, path + "/size", true);
      }
    }
  }
}

void Builder::check_arrivals(std::size_t i, const std::string& kind, const std::string& path) {
  Json& w = r_["workloads"][i];
  if (!w.contains("arrivals") || !w["arrivals"].is_object()) return;  // reported
  Json& a = w["arrivals"];
  const std::string at = path + "/arrivals";
  const std::string* process = string_of(a, "process");
  if (!process) return;  // reported
  using Process = models::ArrivalProcess::Kind;
  models::ArrivalProcess& out = workload_arrivals_[i];
  double& rate = workload_rate_[i];
  const auto rate_per_s = number_of(a, "rate_per_s");
  if (kind == "transfers" && *process != "poisson") {
    diag_.add(at + "/process", "transfers arrive as a Poisson process only; process '" +
                                   *process + "' is for requests workloads");
    return;
  }
  if (*process == "poisson") {
    const auto older = number_of(a, "poisson_per_s");
    if (a.contains("rate_per_s") && a.contains("poisson_per_s")) {
      diag_.add(at + "/poisson_per_s",
                "give rate_per_s or poisson_per_s (its older name), not both");
    } else if (!rate_per_s && !older && !a.contains("rate_per_s") &&
               !a.contains("poisson_per_s")) {
      diag_.add(at, "missing required key 'rate_per_s' (the rate of the Poisson process, per "
                    "second; poisson_per_s is its older name)");
    }
    out.kind = Process::kPoisson;
    rate = rate_per_s ? *rate_per_s : older.value_or(0.0);
  } else if (*process == "constant") {
    if (!rate_per_s && !a.contains("rate_per_s")) {
      diag_.add(at, "missing required key 'rate_per_s' (one request every 1 / rate_per_s "
                    "seconds at each site)");
    }
    out.kind = Process::kConstant;
    const auto phase = a.find("random_phase");
    out.random_phase = phase != a.end() && phase->is_boolean() && phase->get<bool>();
    rate = rate_per_s.value_or(0.0);
  } else if (*process == "diurnal") {
    out.kind = Process::kDiurnal;
    if (a.contains("hourly_per_s")) {
      for (const char* k : {"rate_per_s", "amplitude", "peak", "period"}) {
        if (a.contains(k)) {
          diag_.add(at + "/" + k, std::string("'") + k +
                                      "' belongs to the sinusoid; a profile (hourly_per_s) "
                                      "gives the rate of every hour itself: leave it out");
        }
      }
      const Json& hours = a["hourly_per_s"];
      if (!hours.is_array() || hours.size() != 24) return;  // reported
      for (const Json& h : hours) out.hourly_per_s.push_back(h.is_number() ? h.get<double>() : 0);
      rate = out.mean_rate_per_s(0.0);
      if (!(rate > 0.0)) {
        diag_.add(at + "/hourly_per_s", "every hourly rate is 0, so no request would arrive; "
                                        "give some hour a positive rate");
      }
      return;
    }
    const auto amplitude = number_of(a, "amplitude");
    if ((!rate_per_s && !a.contains("rate_per_s")) || (!amplitude && !a.contains("amplitude"))) {
      diag_.add(at, "diurnal needs rate_per_s and amplitude (a sinusoid), or hourly_per_s (a "
                    "profile of 24 hourly rates)");
    }
    // The sinusoid's computed defaults, written into the resolved scenario.
    if (!a.contains("peak")) a["peak"] = "12h";
    if (!a.contains("period")) a["period"] = "24h";
    reorder(a, spec_at({"workloads", "arrivals"}));
    const auto peak = duration_of(a["peak"]), period = duration_of(a["period"]);
    if (peak && period && *period > 0 && *peak >= *period) {
      diag_.add(at + "/peak", "peak (" + a["peak"].get<std::string>() +
                                  ") is a time within the period: it must be less than the "
                                  "period (" + a["period"].get<std::string>() + ")");
    }
    out.amplitude = amplitude.value_or(0.0);
    if (peak) out.peak = *peak;
    if (period) out.period = *period;
    rate = rate_per_s.value_or(0.0);
  } else if (*process == "azure_trace") {
    out.kind = Process::kAzureTrace;
    check_azure_trace(i, a, at);
  } else if (*process == "trace") {
    out.kind = Process::kTrace;
    check_invocation_trace(i, a, at);
  } else if (*process == "mmpp") {
    out.kind = Process::kMmpp;
    const auto states = a.find("states");
    if (states == a.end() || !states->is_array()) return;  // reported
    bool complete = true, any = false;
    for (const Json& s : *states) {
      const auto r = s.is_object() ? number_of(s, "rate_per_s") : std::nullopt;
      const auto m = s.is_object() ? seconds_of(s, "sojourn") : std::nullopt;
      complete = complete && r && m;
      any = any || (r && *r > 0);
      out.states.push_back({r.value_or(0.0), m.value_or(1.0)});
    }
    if (complete && !any) {
      diag_.add(at + "/states", "every state's rate_per_s is 0, so no request would arrive; "
                                "give some state a positive rate");
    }
    rate = out.mean_rate_per_s(0.0);
  }
}

// Uniform high below low, in a distribution (durations or sizes).
void Builder::check_distribution(const Json& d, const std::string& path, bool sizes) {
  if (!d.is_object()) return;
  auto low = amount_of(d, "low", sizes), high = amount_of(d, "high", sizes);
  if (low && high && *high < *low) {
    diag_.add(path + "/high", "high (" + d["high"].get<std::string>() + ") is below low (" +
                                  d["low"].get<std::string>() + ")");
  }
}

void Builder::build_workloads(models::FleetConfig& out) {
  const Json& workloads = r_["workloads"];
  for (std::size_t i = 0; i < workloads.size(); ++i) {
    const Json& w = workloads[i];
    const std::string& kind = w["kind"].get_ref<const std::string&>();
    if (kind == "requests") {
      models::WorkloadConfig wl{w["name"].get<std::string>(), workload_sites_[i],
                                workload_rate_[i],
                                w.contains("service") ? distribution(w["service"])
                                                      : sim::Distribution::constant(0.0),
                                dispatch(w["dispatch"].get<std::string>()),
                                workload_arrivals_[i],
                                workload_scope_[i]};
      if (w.contains("function")) {
        wl.function = function_index(w["function"].get<std::string>(), out);
      }
      if (w.contains("deadline")) wl.deadline = *duration_of(w["deadline"]);
      out.workloads.push_back(std::move(wl));
    } else if (kind == "transfers") {
      const Json& size = w["size"];
      out.transfers.push_back(
          {w["name"].get<std::string>(), workload_devices_[i], workload_peer_[i],
           w["direction"] == "upload", workload_rate_[i],
           size.is_string() ? sim::Distribution::constant(static_cast<double>(
                                  sim::parse_size(size.get<std::string>()).value))
                            : distribution(size, true),
           w["on_break"] == "fail" ? network::OnBreak::kFail : network::OnBreak::kResume,
           *duration_of(w["timeout"])});
    } else {
      out.messages.push_back({w["name"].get<std::string>(), workload_devices_[i], workload_peer_[i],
                              *duration_of(w["interval"]),
                              sim::parse_size(w["size"].get<std::string>()).value});
    }
  }
}

}  // namespace edgetwin::scenarios::detail
