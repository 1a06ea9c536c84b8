// Placement cycles with the edge plug-ins (issue 5 item 3): a fleet of catalog devices on 100
// sites with a site latency table, one pod compiled from the paper's annotations plus a request
// source, a preferred arch, a battery threshold and energy awareness, placed with select() (no
// bind, so the cluster does not fill up; the rotating start still moves).
// Run: build/bench/edge_placement_bench --benchmark_counters_tabular=true
// Args: nodes, percentage_of_nodes_to_score (100 = exhaustive, 0 = adaptive), edge (1: the
// Kubernetes base plug-ins plus the compiled edge policy; 0: the base alone).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "models/device_catalog.h"
#include "scheduler_plugins/placement/edge_plugins.h"
#include "scheduler_plugins/placement/plugins.h"
#include "scheduler_plugins/placement/policy.h"
#include "sim/random.h"

namespace {

using namespace edgetwin::scheduler_plugins::placement;
namespace sim = edgetwin::sim;

constexpr int kSites = 100;

NodeTable edge_fleet(int nodes) {
  const auto& types = edgetwin::models::builtin_device_types();
  sim::RandomStream rng(1, 0, sim::purpose_id("edge-placement-bench"));
  NodeTable t;
  for (int s = 0; s < kSites; ++s) t.add_site("site" + std::to_string(s));
  auto sites = std::make_shared<SiteLatencies>(kSites);
  for (int a = 0; a < kSites; ++a) {
    for (int b = 0; b < kSites; ++b) {
      const int d = a > b ? a - b : b - a;
      sites->set(a, b, (1 + 2 * d) * sim::kMillisecond, 1e9 / (1 + d % 10));
    }
  }
  sites->registry_site = 0;
  t.edge_.sites = sites;
  for (int i = 0; i < nodes; ++i) {
    const std::size_t type = rng.uniform_int(types.size());
    NodeSpec spec = node_from_device_type(types[type], "n" + std::to_string(i),
                                          "site" + std::to_string(rng.uniform_int(kSites)), "z");
    spec.edge.device_type = static_cast<int>(type);
    if (rng.uniform01() < 0.3) spec.edge.battery = rng.uniform01();
    if (rng.uniform01() < 0.4) spec.images = {"infer"};
    t.add_node(spec);
  }
  t.set_image_size("infer", 50LL << 20);
  return t;
}

void BM_EdgePlacement(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  const int percentage = static_cast<int>(state.range(1));
  const bool edge = state.range(2) != 0;
  NodeTable t = edge_fleet(nodes);
  std::vector<NamedNetwork> networks = {{"company_network", {}}};
  for (int s = 0; s < kSites / 2; ++s) networks[0].sites.push_back("site" + std::to_string(s));
  PolicyContext context;
  context.nodes = &t;
  context.networks = networks;
  FunctionPolicy policy;
  policy.deadline = 8 * sim::kSecond;
  policy.capabilities = {"gpu"};
  policy.preferred_capabilities = {"arch=aarch64"};
  policy.data_networks = {"company_network"};
  policy.strict = true;
  policy.data = {{"site3", 5'000'000}};
  policy.source_site = "site7";
  policy.min_battery = 0.2;
  policy.energy_aware = true;
  PodSpec base;
  base.cpu_milli = 250;
  base.memory_bytes = 128LL << 20;
  base.image = "infer";
  base.edge.exec_s_by_type.assign(edgetwin::models::builtin_device_types().size(), 0.3);
  CompiledPolicy compiled;
  std::vector<std::string> errors;
  if (!compile_policy(policy, base, context, "/bench", compiled, errors)) {
    state.SkipWithError(errors.front().c_str());
    return;
  }
  Framework framework(percentage);
  framework.add_plugin(make_node_resources_fit({}), 1);
  framework.add_plugin(make_balanced_allocation(), 1);
  PodSpec pod = base;
  if (edge) {
    add_policy_plugins(compiled, framework, placement_registry());
    pod = compiled.pods[0];
  }
  std::int64_t placements = 0, feasible = 0;
  for (auto _ : state) {
    const Framework::Result r = framework.select(t, pod);
    benchmark::DoNotOptimize(r.node);
    feasible += r.feasible;
    ++placements;
  }
  state.counters["placements_per_s"] =
      benchmark::Counter(static_cast<double>(placements), benchmark::Counter::kIsRate);
  state.counters["feasible"] = static_cast<double>(feasible) / static_cast<double>(placements);
  state.counters["plugins"] = static_cast<double>(2 + (edge ? compiled.plugins.size() : 0));
}

BENCHMARK(BM_EdgePlacement)
    ->ArgsProduct({{500, 5'000, 12'583}, {100, 0}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
