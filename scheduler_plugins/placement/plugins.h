// The built-in placement plug-ins, with Kubernetes' formulas (docs/scheduling.md names the
// kube-scheduler source of each). Each factory returns a plug-in whose name() is the Kubernetes
// plug-in name.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "scheduler_plugins/placement/framework.h"
#include "scheduler_plugins/registry.h"

namespace edgetwin::scheduler_plugins::placement {

enum class FitStrategy : std::uint8_t {
  kLeastAllocated,
  kMostAllocated,
  kRequestedToCapacityRatio
};

// A point of RequestedToCapacityRatio's shape: utilization 0..100 -> score 0..10 (scaled x10).
struct ShapePoint {
  std::int64_t utilization = 0;
  std::int64_t score = 0;
};

struct FitArgs {
  FitStrategy strategy = FitStrategy::kLeastAllocated;
  std::int64_t cpu_weight = 1;
  std::int64_t memory_weight = 1;
  std::vector<ShapePoint> shape = {{0, 10}, {100, 0}};  // increasing utilization
};

// NodeResourcesFit: filters nodes whose free cpu or memory is below the request; scores with the
// strategy over cpu and memory, counting the pod's own requests.
std::unique_ptr<Plugin> make_node_resources_fit(FitArgs args = {});
// NodeResourcesBalancedAllocation: (1 - population std of the cpu and memory fractions) x 100.
std::unique_ptr<Plugin> make_balanced_allocation();
// ImageLocality: the pod's image size scaled by the share of nodes holding it, clamped to
// [23 MiB, 1000 MiB], mapped linearly to 0..100.
std::unique_ptr<Plugin> make_image_locality();
// TaintToleration: filters untolerated NoSchedule / NoExecute taints; scores untolerated
// PreferNoSchedule taints, normalized reversed.
std::unique_ptr<Plugin> make_taint_toleration();
// NodeAffinity: required terms filter; preferred terms' weights summed, normalized.
std::unique_ptr<Plugin> make_node_affinity();
// PodTopologySpread: DoNotSchedule constraints as a filter (skew <= maxSkew); ScheduleAnyway ones
// scored by the matching pods in the node's domain, normalized reversed.
std::unique_ptr<Plugin> make_pod_topology_spread();
// InterPodAffinity: required anti-affinity as a filter, both the incoming pod's terms and those of
// bound pods that select the incoming pod.
std::unique_ptr<Plugin> make_inter_pod_affinity();

// Registers every built-in under its name() (NodeResourcesFit with LeastAllocated, plus
// "NodeResourcesFit/MostAllocated" and "NodeResourcesFit/RequestedToCapacityRatio" with the
// bin-packing shape (0,0) (100,10)). False when a name is taken; `error` says which.
bool register_builtin_placement_plugins(Registry<Plugin>& registry, std::string* error = nullptr);

// The process-wide placement registry that scenarios resolve names in: the built-ins and the edge
// plug-ins (edge_plugins.h), registered on first use, plus whatever out-of-tree libraries loaded
// with `--plugin` add to it. Not thread-safe while plug-ins are being added; read-only afterwards.
Registry<Plugin>& placement_registry();

// kube-scheduler's default score weights (pkg/scheduler/apis/config/v1/default_plugins.go):
// TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2, NodeResourcesFit 1,
// NodeResourcesBalancedAllocation 1, ImageLocality 1.
void add_default_plugins(Framework& framework);

// Per-node pieces of the formulas above, shared with IncrementalScheduler (one formula, one
// place). ImageLocality's score of a node (`on_node`: it holds the image) for an image of `bytes`
// held by `nodes_with` of `total_nodes` nodes.
std::int64_t image_locality_score(bool on_node, std::int64_t bytes, int nodes_with,
                                  int total_nodes);
// PodTopologySpread: a soft constraint's weight over `domains` domains (ln(domains + 2)), one
// constraint's term of the raw score, and NormalizeScore of one score given max and min over the
// scored nodes (max computed from 0).
double spread_weight(std::size_t domains);
inline double spread_term(std::int64_t count, double weight, int max_skew) {
  return static_cast<double>(count) * weight + (max_skew - 1);
}
std::int64_t spread_normalized_score(std::int64_t score, std::int64_t max, std::int64_t min);

// The piecewise-linear function of RequestedToCapacityRatio over `shape` (scores already x10).
std::int64_t broken_linear(const std::vector<ShapePoint>& shape, std::int64_t utilization);

}  // namespace edgetwin::scheduler_plugins::placement
