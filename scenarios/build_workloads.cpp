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
      out.messages.push_back({w["name"].get<std::string>(), workload_devices_[i], workload_peer_[i],
                              *duration_of(w["interval"]),
                              sim::parse_size(w["size"].get<std::string>()).value});
    }
  }
}

}  // namespace edgetwin::scenarios::detail
