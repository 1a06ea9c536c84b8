// The edge side of the placement state (docs/scheduling.md, "Edge plug-ins"): the node table's
// edge columns, a pod's edge fields, and the site-to-site view of the network that the caller
// fills from network/ (this folder never routes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/units.h"

namespace edgetwin::scheduler_plugins::placement {

using Label = std::pair<std::string, std::string>;

// Latency and bandwidth of the route from site a to site b, by the node table's site ids
// (NodeTable::add_site / site_id). The caller fills it from the network model: latency from
// network::Router::latency over Router::route between the sites' nodes, bandwidth from the
// narrowest link of that route (tests/scheduler_plugins/edge_plugins_test.cpp shows how).
// Until set, a site reaches itself in 0 ns with unbounded bandwidth and no other site. The edge
// plug-ins treat site ids at or beyond sites() (sites added to the node table later) as
// unreachable.
class SiteLatencies {
 public:
  explicit SiteLatencies(int sites);
  int sites() const { return sites_; }
  // The directed pair from -> to; REQUIRES latency >= 0 and bandwidth_bps > 0 (bits/s).
  void set(int from, int to, sim::Time latency, double bandwidth_bps);
  bool reachable(int from, int to) const { return latency(from, to) != sim::kTimeMax; }
  sim::Time latency(int from, int to) const { return latency_[index(from, to)]; }
  double bandwidth_bps(int from, int to) const { return bandwidth_[index(from, to)]; }
  // latency + 8 x bytes / bandwidth, rounded up to a nanosecond; kTimeMax when unreachable.
  sim::Time transfer_time(int from, int to, std::int64_t bytes) const;

  // Where container images are pulled from; -1: pulls are not estimated (count 0).
  int registry_site = -1;

 private:
  std::size_t index(int from, int to) const {
    return static_cast<std::size_t>(from) * static_cast<std::size_t>(sites_) +
           static_cast<std::size_t>(to);
  }
  int sites_;
  std::vector<sim::Time> latency_;
  std::vector<double> bandwidth_;
};

inline constexpr double kNoBattery = -1.0;

// A node's edge attributes as added (NodeSpec::edge).
struct EdgeNodeSpec {
  int accelerators = 0;  // accelerator units (of the node's accelerator kind)
  int device_type = -1;  // the caller's device-type index (EdgePodSpec::exec_s_by_type); -1 unknown
  double container_start_s = 0.0;    // expected start of a container whose image is present
  double core_power_w = 0.0;         // power added per busy core
  double accelerator_power_w = 0.0;  // power added per busy accelerator unit
  double battery = kNoBattery;       // state of charge in [0, 1]; kNoBattery: mains-powered
};

struct DataLocation {
  int site = -1;  // node-table site id
  std::int64_t bytes = 0;
};

// A pod's edge fields (PodSpec::edge); the policy preprocessor (policy.h) fills them from a
// function's annotations.
struct EdgePodSpec {
  // Required node attributes: ("arch", v) and ("accelerator", v) match the node's columns, any
  // other key a node label. Preferred ones are counted by CapabilityMatch's score.
  std::vector<Label> capabilities;
  std::vector<Label> preferred_capabilities;
  int accelerators = 0;  // accelerator units held while placed
  // Expected execution seconds by device type (EdgeNodeSpec::device_type); < 0: cannot run
  // there. Empty: not known (counts 0, and every node can run it).
  std::vector<double> exec_s_by_type;
  int node = -1;                    // pinned to this node (a fan-out placement); -1: any
  int source_site = -1;             // where the requests come from; -1: not known
  bool proximity_to_data = false;   // Proximity measures from the largest data location instead
  std::vector<DataLocation> data;   // where the function's input lives
  std::vector<char> allowed_sites;  // by site id: where data may move; empty: anywhere
  bool strict = false;              // nodes outside allowed_sites are filtered, not penalized
  sim::Time deadline = 0;           // 0: none
  double min_battery = 0.0;         // battery nodes below this state of charge are filtered
};

// The edge columns of the node table, structure of arrays (NodeTable::edge_). battery_ may be
// edited in place (the caller copies models::Energy::battery_fraction into it); the others
// change through NodeTable::add_node and bind.
struct EdgeColumns {
  std::vector<int> accelerators_;
  std::vector<int> req_accelerators_;
  std::vector<int> device_type_;
  std::vector<sim::Time> container_start_;  // EdgeNodeSpec::container_start_s in ns
  std::vector<double> core_power_w_;
  std::vector<double> accelerator_power_w_;
  std::vector<double> battery_;
  // NodeTable::arch_ and accelerator_ interned ("" included), so that capability filters compare
  // integers: arch_id(v) == arch_id_[n] iff arch_[n] == v.
  std::vector<int> arch_id_;
  std::vector<int> accelerator_id_;
  // The site-to-site network view; nullptr: latencies and transfers count 0.
  std::shared_ptr<const SiteLatencies> sites;

  void add(const EdgeNodeSpec& spec, std::string_view arch, std::string_view accelerator);
  void bind(int node, const EdgePodSpec& pod) { req_accelerators_[node] += pod.accelerators; }
  int arch_id(std::string_view arch) const { return find(arch_names_, arch); }  // -1: no node
  int accelerator_id(std::string_view kind) const { return find(accelerator_names_, kind); }

 private:
  static int find(const std::vector<std::string>& names, std::string_view name);
  std::vector<std::string> arch_names_;
  std::vector<std::string> accelerator_names_;
};

}  // namespace edgetwin::scheduler_plugins::placement
