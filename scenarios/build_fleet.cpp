// Sites (with name ranges expanded) and the fleet's devices, by site and by name.
#include <unordered_map>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/names.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {

void Builder::expand_sites() {
  const Json& sites = r_["sites"];
  if (!sites.is_array()) return;
  std::unordered_map<std::string, std::string> seen;  // name -> path that declared it
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const std::string path = "/sites/" + std::to_string(i) + "/name";
    const std::string* pattern = string_of(sites[i], "name");
    const std::string* kind = string_of(sites[i], "kind");
    if (!pattern || pattern->empty()) continue;
    if (has_wildcard(*pattern)) {
      diag_.add(path, "site name '" + *pattern + "' may not contain '*' or '?' (they select)");
      continue;
    }
    std::vector<std::string> names;
    std::string error;
    if (!expand_name(*pattern, names, error)) {
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

void Builder::expand_fleet() {
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
      unknown_type(path + "/type", "device type", *type);
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

// Site of each device, in device order; empty when some fleet entry is invalid.
void Builder::list_devices() {
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

// Device names, in device order (the order build() makes them); built on first use.
const std::vector<std::string>& Builder::device_names() {
  if (!device_names_.empty() || device_site_.empty()) return device_names_;
  const Json& fleet = r_["fleet"];
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].type.empty()) continue;
    const std::string prefix = fleet[i]["name"].get<std::string>();
    const auto count = fleet[i]["count"].get<std::uint64_t>();
    for (std::uint32_t s : entries_[i].sites) {
      for (std::uint64_t k = 1; k <= count; ++k) {
        device_names_.push_back(device_name(prefix, s, k));
      }
    }
  }
  for (std::uint32_t d = 0; d < device_names_.size(); ++d) device_index_[device_names_[d]] = d;
  return device_names_;
}

std::string Builder::device_name(const std::string& prefix, std::uint32_t site,
                                 std::uint64_t k) const {
  return prefix + "-" + sites_[site].name + "-" + std::to_string(k);
}

}  // namespace edgetwin::scenarios::detail
