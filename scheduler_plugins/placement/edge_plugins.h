// The edge plug-ins of the paper's programming model (Rausch et al., HotEdge'19; skippy-core's
// priorities, docs/scheduling.md "Edge plug-ins" gives each formula): capability match,
// proximity, data locality, deadline feasibility, battery and energy awareness, and NodeName
// (the pin of a fan-out placement). They read the node table's edge columns and the pod's edge
// fields (edge.h); none of them routes: latencies come from NodeTable::edge_.sites. Each computes
// per-cycle arrays by site and by device type in pre_filter (pre_score for EnergyPerRequest), so
// call those first, as the framework does; the node loop then allocates nothing.
#pragma once

#include <memory>
#include <string>

#include "scheduler_plugins/placement/framework.h"
#include "scheduler_plugins/registry.h"

namespace edgetwin::scheduler_plugins::placement {

// Scores are clamped to this many nanoseconds (about 11.6 days) before normalizing, so that
// kMaxNodeScore x raw cannot overflow.
inline constexpr sim::Time kMaxRawTime = 1'000'000'000'000'000;

// CapabilityMatch: filters nodes lacking a required capability, free accelerator units, or an
// execution time for the pod (exec_s_by_type < 0: faas-sim's CanRunPred); scores the number of
// preferred capabilities the node has, normalized (100 x raw / max).
std::unique_ptr<Plugin> make_capability_match();
// Proximity: filters nodes whose site the origin (the request source, or the largest data
// location with proximity_to_data) cannot reach; scores the route latency origin -> node's site,
// normalized reversed (100 - 100 x raw / max: the nearest scores 100).
std::unique_ptr<Plugin> make_proximity();
// DataLocality: strict: filters nodes outside allowed_sites; every node: filters nodes a data
// location cannot reach, scores T(n) = sum over data of latency + 8 x bytes / bandwidth to the
// node's site, doubled outside allowed_sites when not strict (without data: 1 outside, 0 inside);
// normalized reversed.
std::unique_ptr<Plugin> make_data_locality();
// DeadlineFeasibility: filters nodes whose expected_completion exceeds the deadline; scores the
// estimate, normalized reversed (the fastest scores 100).
std::unique_ptr<Plugin> make_deadline_feasibility();
// BatteryAware: filters battery nodes below the pod's min_battery; scores 100 x state of charge
// (mains-powered nodes 100).
std::unique_ptr<Plugin> make_battery_aware();
// EnergyPerRequest: scores the marginal energy of one request, exec_s x (core_power_w +
// accelerators x accelerator_power_w), normalized reversed.
std::unique_ptr<Plugin> make_energy_per_request();
// NodeName: filters every node but the pinned one (EdgePodSpec::node >= 0).
std::unique_ptr<Plugin> make_node_name();

// The deadline estimate of running `pod` on `node`, in nanoseconds (kTimeMax: cannot):
// request round trip source <-> node's site + sum of the data transfers to the node's site +
// image pull registry -> node's site (when the node lacks the pod's image; `image` is its
// NodeTable::image_id) + the node's container start + the execution time of the node's type.
// Network terms count 0 without NodeTable::edge_.sites.
sim::Time expected_completion(const NodeTable& nodes, const PodSpec& pod, int image, int node);
// The data term alone: sum over data locations of SiteLatencies::transfer_time to `site`.
sim::Time data_move_time(const NodeTable& nodes, const PodSpec& pod, int site);

// Registers the edge plug-ins under their name()s: CapabilityMatch, Proximity, DataLocality,
// DeadlineFeasibility, BatteryAware, EnergyPerRequest, NodeName. placement_registry() holds them.
bool register_edge_placement_plugins(Registry<Plugin>& registry, std::string* error = nullptr);

}  // namespace edgetwin::scheduler_plugins::placement
