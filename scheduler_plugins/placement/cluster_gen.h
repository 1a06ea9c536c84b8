// A synthetic cluster and workload for placement benchmarks and equivalence tests
// (docs/scheduling.md, "Generated clusters").
//
// Machines follow the machine-configuration mix of the 2011 Google cluster trace
// (clusterdata-2011-2, 12,583 machines; Reiss et al., SoCC 2012, Table 1), scaled to any count by
// largest-remainder apportionment; an optional share of edge devices comes from the built-in
// device catalog. Pods are replicas of a few deployment templates. Everything is a pure function
// of the options and the seed: each node and each template draws from its own stream
// (seed, entity, purpose).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "scheduler_plugins/placement/framework.h"

namespace edgetwin::scheduler_plugins::placement {

inline constexpr int kGoogleTraceMachines = 12583;

// One machine configuration of the trace: capacities normalised to the largest machine (1.0) and
// the number of machines with it.
struct MachineClass {
  double cpu;
  double memory;
  int machines;
};
// The ten configurations, most common first; the counts sum to kGoogleTraceMachines.
std::span<const MachineClass> google_2011_machine_mix();

// Splits `total` over `weights` in proportion, rounding by largest remainder (ties to the lower
// index): the parts sum to `total`. REQUIRES total >= 0, some weight > 0.
std::vector<int> apportion(std::span<const double> weights, int total);

struct ClusterOptions {
  int nodes = kGoogleTraceMachines;  // trace machines + edge devices
  double edge_share = 0.0;           // fraction of `nodes` that are edge devices, in [0, 1]
  int zones = 12;                    // zones the trace machines spread over (site "dc")
  int edge_sites = 50;               // edge sites; each is its own zone
  // Capacity of a normalised 1.0 machine (the peer benchmark's choice, peer-faas-sim.md §12).
  int full_machine_cores = 32;
  std::int64_t full_machine_memory = 128LL * 1024 * 1024 * 1024;
  std::uint64_t seed = 1;
};

// Fills an empty table. Node labels: arch, accelerator, locality (the catalog's), "machine-class"
// (c0..c9 for trace machines, the device type for edge devices), "disk" (ssd or hdd), and
// "topology.kubernetes.io/zone". Taints: edge devices carry "edgetwin.io/edge=true:NoSchedule";
// about 5 % of trace machines "maintenance=soon:PreferNoSchedule", about 2 %
// "dedicated=batch:NoSchedule". Some nodes have common images pulled already; every image of
// pod_images() has its size set.
// Throws std::invalid_argument for nodes < 1, an edge share outside [0, 1], zones < 1 or
// edge_sites < 1 with edge devices.
void generate_cluster(const ClusterOptions& options, NodeTable& nodes);

struct WorkloadOptions {
  int templates = 16;     // deployments' pod templates
  int pods = 10000;       // pods in the sequence
  int max_replicas = 32;  // a deployment brings 1..max_replicas consecutive pods
  std::uint64_t seed = 1;
};

// The images pods use, with their sizes in bytes.
struct ImageInfo {
  const char* name;
  std::int64_t bytes;
};
std::span<const ImageInfo> pod_images();

// Pod templates with a mix of requests (some best-effort), labels "app=tK", tolerations of the
// edge taint (with a required affinity to edge or to accelerators), preferred node affinities,
// zone topology spread (DoNotSchedule ones with a required affinity to their side of the fleet),
// ScheduleAnyway spreads, hostname self anti-affinity and images.
std::vector<PodSpec> generate_pod_templates(const WorkloadOptions& options);

// The template of each pod in arrival order: deployments, each `replicas` consecutive pods of
// one template.
std::vector<int> generate_pod_sequence(const WorkloadOptions& options);

}  // namespace edgetwin::scheduler_plugins::placement
