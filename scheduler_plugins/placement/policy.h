// The policy preprocessor: compiles a function's annotations (the paper's `deadline`,
// `fn(node, capability)` and `data(network, strict)`, plus the edge extras below) into the edge
// plug-ins and weights that place it and the pod fields they read, with the fan-out of a per-user
// function to every device of its user (docs/scheduling.md, "The policy preprocessor").
// scenarios/ maps a workload's JSON `policy` onto FunctionPolicy; this file knows no JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler_plugins/placement/framework.h"
#include "scheduler_plugins/registry.h"

namespace edgetwin::models {
struct FleetConfig;
}

namespace edgetwin::scheduler_plugins::placement {

struct DataAnnotation {
  std::string site;  // where the data lives (a site name)
  std::int64_t bytes = 0;
};

// A function's annotations; the comment names the JSON key each error path uses.
struct FunctionPolicy {
  std::optional<sim::Time> deadline;  // "deadline": > 0
  // "capability": required; each "gpu" or "tpu" (that accelerator, one unit held while placed),
  // "arch=V", "accelerator=V" or "KEY=VALUE" (a node label).
  std::vector<std::string> capabilities;
  std::vector<std::string> preferred_capabilities;  // "prefer": same forms, scored
  std::vector<std::string> data_networks;           // "data_network": named networks
  bool strict = false;                              // "strict": needs data_network
  std::vector<DataAnnotation> data;                 // "data"
  std::string source_site;                          // "source": "" when not known
  bool proximity_to_data = false;                   // "near_data": needs data
  std::optional<double> min_battery;                // "min_battery": in [0, 1]
  bool energy_aware = false;                        // "energy"
  std::string user;  // "user": one placement per device of this user ("" for none)
};

// A named set of sites (`company_network`).
struct NamedNetwork {
  std::string name;
  std::vector<std::string> sites;
};

// The weight of each edge plug-in's score (filter-only plug-ins get 1, unused).
struct PolicyWeights {
  std::int64_t capability = 1;
  std::int64_t proximity = 1;
  std::int64_t data_locality = 1;
  std::int64_t deadline = 1;
  std::int64_t battery = 1;
  std::int64_t energy = 1;
};

struct PolicyContext {
  const NodeTable* nodes = nullptr;  // sites, user devices; REQUIRES not null
  std::span<const NamedNetwork> networks;
  std::string user_label = "user";  // the node label naming a device's user
  PolicyWeights weights;
};

struct WeightedPlugin {
  std::string name;  // a placement_registry() name
  std::int64_t weight = 1;
  bool operator==(const WeightedPlugin&) const = default;
};

struct CompiledPolicy {
  // Filters first, cheapest first: NodeName, CapabilityMatch, DataLocality, BatteryAware,
  // DeadlineFeasibility, then the score-only Proximity, EnergyPerRequest; only those the
  // annotations call for.
  std::vector<WeightedPlugin> plugins;
  // One placement, or with `user` one per device of the user (node index order), each pinned.
  std::vector<PodSpec> pods;
};

// Compiles `policy` for pods like `base` (requests, image, edge.exec_s_by_type are kept). Each
// problem is appended to `errors` as "PATH/KEY: message" (PATH is `path`, e.g.
// "/workloads/0/policy"), all of them; true when there were none (then `out` is filled).
bool compile_policy(const FunctionPolicy& policy, const PodSpec& base, const PolicyContext& context,
                    std::string_view path, CompiledPolicy& out, std::vector<std::string>& errors);

// Creates the compiled plug-ins by name from `registry` and adds them to `framework` (after any
// base plug-ins the caller added). False at the first failure, `error` says which.
bool add_policy_plugins(const CompiledPolicy& policy, Framework& framework,
                        const Registry<Plugin>& registry, std::string* error = nullptr);

// The expected execution seconds of config.functions[function] on each of config.types
// (EdgePodSpec::exec_s_by_type, with EdgeNodeSpec::device_type the index into config.types): the
// mean of its bounded lognormal fit (BoundedLognormal::mean), work_s / core_speed for the work
// fallback, -1 where the fleet model would not run it (models::cannot_run_reason).
std::vector<double> expected_execution_s(const models::FleetConfig& config, std::size_t function);

}  // namespace edgetwin::scheduler_plugins::placement
