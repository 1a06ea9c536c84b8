#include "network/topology.h"

#include <cmath>
#include <tuple>

namespace edgetwin::network {
namespace {

using sim::Distribution;
using sim::kMillisecond;

// One-way latency = loc + jitter, jitter ~ scale * exp(s Z): ether's scipy lognorm(s, loc, scale)
// fits (ms) for lan, wlan and mobile_isp, and ether's bandwidths (Mbit/s: NIC 1000, mobile 25 up /
// 125 down). 5g and lora are typical published figures, not fits (docs/network.md).
AccessPreset preset(const char* name, double up_mbps, double down_mbps, double loc_ms, double s,
                    double scale_ms) {
  return {name, up_mbps * 1e6, down_mbps * 1e6,
          static_cast<sim::Time>(loc_ms * static_cast<double>(kMillisecond)),
          Distribution::lognormal(std::log(scale_ms * 1e-3), s)};
}

std::vector<AccessPreset> make_presets() {
  return {
      preset("ethernet", 1000, 1000, 0.35, 0.25, 0.16),
      preset("wifi", 100, 300, 1.18, 0.635, 3.27),
      preset("lte", 25, 125, 16.2, 0.49, 8.02),
      preset("5g", 100, 1000, 4.0, 0.5, 2.0),
      {"lora", 5.47e3, 5.47e3, 50 * kMillisecond, Distribution::uniform(0.0, 0.05)},
  };
}

}  // namespace

const std::vector<AccessPreset>& access_presets() {
  static const std::vector<AccessPreset> presets = make_presets();  // immutable after first use
  return presets;
}

const AccessPreset* find_access_preset(std::string_view name) {
  for (const AccessPreset& p : access_presets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

NodeId Topology::add_node(std::string name) {
  node_names_.push_back(std::move(name));
  out_.emplace_back();
  return static_cast<NodeId>(node_names_.size() - 1);
}

std::pair<LinkId, LinkId> Topology::add_link(NodeId a, NodeId b, double ab_bps, double ba_bps,
                                             sim::Time latency, sim::Distribution jitter_s) {
  const auto ab = static_cast<LinkId>(from_.size());
  for (auto [x, y, bps] : {std::tuple{a, b, ab_bps}, std::tuple{b, a, ba_bps}}) {
    from_.push_back(x);
    to_.push_back(y);
    capacity_.push_back(bps);
    latency_.push_back(latency);
    jitter_.push_back(jitter_s);
    up_.push_back(true);
  }
  out_[a].push_back(ab);
  out_[b].push_back(ab + 1);
  return {ab, ab + 1};
}

std::string Topology::link_name(LinkId l) const {
  return node_names_[from_[l]] + "->" + node_names_[to_[l]];
}

}  // namespace edgetwin::network
