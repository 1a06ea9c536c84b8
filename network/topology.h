// The network as a graph: nodes (devices and the switches or routers of sites) joined by
// bidirectional links, each made of two directed links with their own capacity. Structure of
// arrays, indexed by NodeId and LinkId; Boost.Graph stays in routing.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "network/flow_model.h"
#include "sim/random.h"
#include "sim/units.h"

namespace edgetwin::network {

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;

// An access technology: the link between a device and its site. Bandwidths as seen from the
// device (up = device to site), one-way latency, and an optional jitter added to each message's
// latency (seconds; a constant 0 means none).
struct AccessPreset {
  std::string name;
  double up_bps = 0.0;
  double down_bps = 0.0;
  sim::Time latency = 0;
  sim::Distribution jitter_s = sim::Distribution::constant(0.0);
};
// ethernet, wifi, lte, 5g, lora (sources in docs/network.md).
const std::vector<AccessPreset>& access_presets();
const AccessPreset* find_access_preset(std::string_view name);

class Topology {
 public:
  NodeId add_node(std::string name);
  // A bidirectional link: directed link a->b of `ab_bps` and b->a of `ba_bps`, both with the given
  // one-way latency and jitter. Returns {a->b, b->a}; the two are always LinkId k and k ^ 1.
  std::pair<LinkId, LinkId> add_link(NodeId a, NodeId b, double ab_bps, double ba_bps,
                                     sim::Time latency,
                                     sim::Distribution jitter_s = sim::Distribution::constant(0.0));

  std::size_t node_count() const { return node_names_.size(); }
  std::size_t link_count() const { return from_.size(); }
  const std::string& node_name(NodeId n) const { return node_names_[n]; }
  // "a->b" for messages and results.
  std::string link_name(LinkId l) const;
  NodeId from(LinkId l) const { return from_[l]; }
  NodeId to(LinkId l) const { return to_[l]; }
  static LinkId reverse(LinkId l) { return l ^ 1u; }
  double capacity_bps(LinkId l) const { return capacity_[l]; }
  sim::Time latency(LinkId l) const { return latency_[l]; }
  const sim::Distribution& jitter_s(LinkId l) const { return jitter_[l]; }
  bool has_jitter(LinkId l) const {
    return !(jitter_[l].kind == sim::Distribution::Kind::kConstant && jitter_[l].a == 0.0);
  }
  // Directed links leaving n.
  const std::vector<LinkId>& out_links(NodeId n) const { return out_[n]; }

  // A bidirectional link is up or down as a whole (both directions).
  bool is_up(LinkId l) const { return up_[l]; }
  void set_up(LinkId l, bool up) { up_[l] = up_[reverse(l)] = up; }

 private:
  std::vector<std::string> node_names_;
  std::vector<std::vector<LinkId>> out_;
  std::vector<NodeId> from_, to_;
  std::vector<double> capacity_;
  std::vector<sim::Time> latency_;
  std::vector<sim::Distribution> jitter_;
  std::vector<bool> up_;
};

}  // namespace edgetwin::network
