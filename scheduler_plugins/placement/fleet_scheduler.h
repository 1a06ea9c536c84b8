// The placement policy of a fleet model (models/placement.h) on top of the Framework: the fleet's
// devices are the nodes, each new function instance is a pod. docs/scheduling.md, "Placement in
// a scenario"; scenarios/ builds a SchedulerConfig from the scenario's "scheduler" section.
//
// Nodes: one per device, in device order (node index = device index), built by
// node_from_device_type with the device's labels added, site = its site, zone = its "zone"
// label ("" without one), and cpu = min(cores, max_instances) x 1000 millicores, so that the
// pods' one core each also bounds the instances to max_instances.
// Pods: one spec per function: 1000 millicores (an instance runs one request at a time), the
// function's memory, its image (sized for the largest of its architectures), label
// "function=<name>". A pod is bound from its decision until the fleet model releases it (its
// instance removed, or never created).
// Candidates: an internal filter, first in every cycle, passes only the devices the fleet model
// offers for the placement (its workload's eligible and reachable devices).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/placement.h"
#include "scheduler_plugins/placement/scheduling_queue.h"
#include "sim/units.h"

namespace edgetwin::scheduler_plugins::placement {

// Simulated time of one scheduling cycle: per_cycle + per_node_filtered x nodes examined +
// per_node_scored x feasible nodes scored. The defaults give about 1.5 ms per pod for
// kube-scheduler's default profile at 5,000 nodes (adaptive sampling: ~500 examined and scored:
// 1 ms + 500 x 0.1 us + 500 x 1 us = 1.55 ms), the 1.2-1.5 ms of its 5,000-node benchmarks.
struct CostModel {
  sim::Time per_cycle = sim::kMillisecond;
  sim::Time per_node_filtered = 100;  // ns
  sim::Time per_node_scored = sim::kMicrosecond;
  sim::Time cost(std::int64_t examined, std::int64_t scored) const {
    return per_cycle + per_node_filtered * examined + per_node_scored * scored;
  }
};

// A plug-in of the scheduler profile: its registry name, whether it filters, and its score
// weight (0: it does not score).
struct ProfilePlugin {
  std::string name;
  bool filter = false;
  std::int64_t weight = 0;
};

struct SchedulerConfig {
  // "queue": one placement per cycle, priority then FIFO; "parallel": the same with Filter and
  // Score on `threads` TBB threads (ParallelScheduler: the same decisions).
  std::string architecture = "queue";
  int threads = 1;
  std::vector<ProfilePlugin> plugins;  // in order; names from placement_registry()
  int percentage_of_nodes_to_score = 0;
  CostModel cost;
  SchedulingQueue::Options backoff;
};

// kube-scheduler's default profile: filters TaintToleration, NodeAffinity, PodTopologySpread,
// InterPodAffinity, NodeResourcesFit; scores TaintToleration 3, NodeAffinity 2, PodTopologySpread 2,
// NodeResourcesFit 1, NodeResourcesBalancedAllocation 1, ImageLocality 1 (InterPodAffinity
// scores nothing here: only required anti-affinity is implemented).
std::vector<ProfilePlugin> kube_default_profile();

// The architectures make_fleet_policy knows: "queue", "parallel".
const std::vector<std::string>& architectures();

// The policy for one run of `fleet`; nullptr with `error` set when a plug-in name is unknown (the
// message lists the valid ones), a plug-in lacks the extension point it is listed for, or the
// architecture is unknown.
std::unique_ptr<models::PlacementPolicy> make_fleet_policy(const SchedulerConfig& config,
                                                           const models::FleetConfig& fleet,
                                                           std::string* error = nullptr);

// A factory for FleetConfig::make_placement. REQUIRES: `config` is valid (make_fleet_policy
// succeeds); the factory throws std::invalid_argument otherwise.
models::PlacementFactory fleet_policy_factory(SchedulerConfig config);

}  // namespace edgetwin::scheduler_plugins::placement
