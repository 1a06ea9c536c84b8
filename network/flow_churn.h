// The flow-churn benchmark (issue 3): a fixed population of flows on a two-level topology, where
// each change removes one random flow and starts one random new flow at the next instant, and the
// lazy solve runs once per change (as when the transfer layer asks for the next completion).
//
// Topology: `hosts` hosts split evenly into `sites` sites; each host has a 1 Gb/s up link and a
// 1 Gb/s down link, each site a 10 Gb/s uplink and downlink to a core. A site-local flow crosses
// host up + host down (2 links), a cross-site flow host up + site up + site down + host down (4).
#pragma once

#include <cstdint>

namespace edgetwin::network {

struct FlowChurnConfig {
  std::uint32_t hosts = 1000;
  std::uint32_t sites = 20;
  std::uint32_t flows = 10'000;     // concurrent flows kept alive
  std::uint32_t changes = 20'000;   // timed changes (one removal + one start each)
  double local = 1.0;               // probability that a new flow stays inside its site
  std::uint64_t seed = 1;
  // Finish and start at one instant (one solve per change) instead of at two (two solves).
  bool same_instant = false;
};

struct FlowChurnResult {
  double changes_per_s = 0.0;         // wall clock, churn phase only (set-up excluded)
  double flow_changes_per_s = 0.0;    // starts + finishes per second: 2 * changes_per_s
  double wall_s = 0.0;
  double mean_component_flows = 0.0;  // flows in the component each solve covered
  double mean_component_links = 0.0;
  double rerated_per_change = 0.0;    // flows whose rate a solve recomputed, per change
  double changed_per_change = 0.0;    // flows whose rate took a new value, per change
  double classes_rerated_per_change = 0.0;  // rate classes a solve recomputed, per change
  double classes_changed_per_change = 0.0;  // rate classes whose rate took a new value
  double cpu_s = 0.0;                   // process CPU time of the churn phase (user + system)
  double flow_changes_per_cpu_s = 0.0;  // 2 * changes / cpu_s: steadier than wall on a busy host
  std::size_t classes = 0;              // rate classes at the end
  std::size_t pruned_links = 0;         // links left out of the solve at the end
  std::uint64_t prunes = 0, unprunes = 0, retries = 0;  // during the churn phase
  double fills_per_change = 0.0;           // progressive fillings per change
  double classes_filled_per_change = 0.0;  // classes filled over all fillings, per change
  std::uint64_t solves = 0;
};

// REQUIRES: hosts >= 2 * sites, sites >= 2 when local < 1, flows >= 1.
FlowChurnResult run_flow_churn(const FlowChurnConfig& config);

}  // namespace edgetwin::network
