// The network section: access links (presets or explicit), the shape and its hub, and the
// build of models::NetworkConfig. The site links themselves are in build_links.cpp.
#include "network/topology.h"
#include "scenarios/detail/builder.h"
#include "scenarios/detail/names.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {
namespace {

std::vector<std::string> preset_list() {
  std::vector<std::string> names;
  for (const auto& p : network::access_presets()) names.push_back(p.name);
  return names;
}

// REQUIRES: no error was reported for `v`.
models::AccessConfig access_config(const Json& v) {
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

}  // namespace

// An access link given as a preset name or an object: checks what the declarations cannot.
void Builder::check_access(const Json& v, const std::string& path) {
  if (!v.is_object() || v.contains("preset")) return;
  std::vector<std::string> missing;
  for (const char* k : {"up", "down", "latency"}) {
    if (!v.contains(k)) missing.emplace_back(k);
  }
  if (!missing.empty()) {
    diag_.add(path, "an access link without a preset needs up, down and latency; missing: " +
                        list_names(missing) + " (or give a \"preset\" to start from: " +
                        list_names(preset_list(), 99) + ")");
  }
  if (v.contains("jitter")) check_distribution(v["jitter"], path + "/jitter", false);
}

void Builder::check_network() {
  list_devices();
  Json& fleet = r_["fleet"];
  if (fleet.is_array()) {
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      if (!fleet[i].is_object() || !fleet[i].contains("access")) continue;
      const std::string path = "/fleet/" + std::to_string(i) + "/access";
      if (!network_) {
        diag_.add(path, std::string("'access' needs a network section ") + kAddNetwork);
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
  const std::string shape = *string_of(net, "shape");  // a copy: `net` changes below
  const bool needs_hub = shape == "star" || shape == "two_tier";
  const std::uint32_t hub = find_hub(net, shape, needs_hub);
  if (net.contains("random_geometric") && shape != "random_geometric") {
    diag_.add("/network/random_geometric",
              "'random_geometric' is used only by the random_geometric shape, not " + shape);
  }
  if (shape == "random_geometric" && !net.contains("random_geometric")) {
    net["random_geometric"] =
        resolve_object(Json::object(), spec_at({"network", "random_geometric"}),
                       "/network/random_geometric", diag_);
    reorder(net, spec_at({"network"}));
  }

  // Generated links.
  if (sites_incomplete_) return;
  generate_links(net, shape, needs_hub, hub);
  const bool links_ok = add_explicit_links(net);
  const bool connected = net.value("connected", true);
  if (connected && links_ok && (!needs_hub || hub != kNoHub) && sites_.size() > 1) {
    check_connected(shape, hub);
  }
}

// The hub of a star or two_tier shape: "hub", else the one site of kind cloud (recorded as
// "hub"); kNoHub (reported) when there is none.
std::uint32_t Builder::find_hub(Json& net, const std::string& shape, bool needs_hub) {
  std::uint32_t hub = kNoHub;
  if (net.contains("hub")) {
    if (!needs_hub) {
      diag_.add("/network/hub", "'hub' is used only by the star and two_tier shapes, not " + shape);
    } else {
      hub = exact_site(net["hub"], "/network/hub").value_or(kNoHub);
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
      hub = kNoHub;
      diag_.add("/network", "the " + shape + " shape needs a hub, and " +
                                (clouds.empty() ? std::string("no site is of kind cloud")
                                                : "several sites are of kind cloud (" +
                                                      list_names(clouds) + ")") +
                                "; set \"hub\" to a site name");
    }
  }
  return hub;
}

// REQUIRES: no error was reported. Access links by device, site links with their parameters.
void Builder::build_network(models::FleetConfig& out) {
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
    models::SiteLinkConfig l{info.a,       info.b,     rate(backhaul, "up"), rate(backhaul, "down"),
                             base_latency, base_jitter};
    if (k < generated_links_) {
      l.latency = sim::add_saturating(l.latency,
                                      sim::from_seconds(info.distance * sim::to_seconds(per_unit)));
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
      e[dir] = e.contains("bandwidth")  ? e["bandwidth"]
               : backhaul.contains(dir) ? backhaul[dir]
                                        : backhaul["bandwidth"];
    }
    if (!e.contains("latency")) e["latency"] = backhaul["latency"];
    if (!e.contains("jitter") && backhaul.contains("jitter")) e["jitter"] = backhaul["jitter"];
    reorder(e, spec_at({"network", "links"}));
  }
}

}  // namespace edgetwin::scenarios::detail
