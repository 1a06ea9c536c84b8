// The parallel scheduler makes the sequential framework's decisions: thousands of random pods on
// a few thousand random nodes, step by step, for 1, 2 and 4 threads, exhaustive and sampled.
#include "scheduler_plugins/placement/parallel_scheduler.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <random>
#include <set>

#include "allocation_counter.h"
#include "models/device_catalog.h"
#include "scheduler_plugins/placement/edge.h"
#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::int64_t kMiB = 1024LL * 1024;

NodeTable random_cluster(int nodes, std::mt19937_64& rng) {
  const auto& types = models::builtin_device_types();
  NodeTable t;
  for (int i = 0; i < nodes; ++i) {
    NodeSpec spec = node_from_device_type(types[rng() % types.size()], "n" + std::to_string(i),
                                          "site" + std::to_string(rng() % 20),
                                          "zone" + std::to_string(rng() % 4));
    spec.labels.emplace_back("tier", rng() % 3 == 0 ? "edge" : "core");
    if (rng() % 5 == 0) spec.taints.push_back({"flaky", "", TaintEffect::kPreferNoSchedule});
    if (rng() % 11 == 0) spec.taints.push_back({"dedicated", "ml", TaintEffect::kNoSchedule});
    if (rng() % 4 == 0) spec.images.push_back("infer");
    t.add_node(spec);
  }
  t.set_image_size("infer", 400 * kMiB);
  return t;
}

PodSpec random_pod(std::mt19937_64& rng) {
  PodSpec p;
  p.cpu_milli = static_cast<std::int64_t>(rng() % 5) * 250;  // 0 (unset) .. 1000m
  p.memory_bytes = static_cast<std::int64_t>(rng() % 9) * 128 * kMiB;
  const std::string app = "app=a" + std::to_string(rng() % 6);
  p.labels = {app};
  if (rng() % 2) p.image = "infer";
  if (rng() % 3 == 0) p.tolerations = {{"dedicated", "ml", false, false, TaintEffect::kNoSchedule}};
  p.preferred_node_affinity = {{static_cast<std::int64_t>(1 + rng() % 100),
                                {{{"tier", NodeSelectorRequirement::Op::kIn, {"edge"}}}}},
                               {static_cast<std::int64_t>(1 + rng() % 100),
                                {{{"accelerator", NodeSelectorRequirement::Op::kIn, {"gpu"}}}}}};
  if (rng() % 8 == 0) {
    p.required_node_affinity = {{{{"arch", NodeSelectorRequirement::Op::kIn, {"aarch64"}}}}};
  } else if (rng() % 40 == 0) {  // no node has this arch: unschedulable, every node examined
    p.required_node_affinity = {{{{"arch", NodeSelectorRequirement::Op::kIn, {"riscv64"}}}}};
  }
  switch (rng() % 6) {
    case 0:
      p.topology_spread = {{1 + static_cast<int>(rng() % 3), TopologyKey::kZone, true, app}};
      break;
    case 1:
      p.topology_spread = {{1, TopologyKey::kSite, false, app}};
      break;
    case 2:
      p.anti_affinity = {{app, TopologyKey::kHostname}};
      break;
    default:
      break;
  }
  return p;
}

void add_plugins(Framework& f) {
  add_default_plugins(f);
  FitArgs most;
  most.strategy = FitStrategy::kMostAllocated;
  ASSERT_TRUE(f.add_plugin(make_node_resources_fit(most), 2));
}

// How a comparison builds its cluster, its pods and its plug-ins.
struct Workload {
  NodeTable (*cluster)(int nodes, std::mt19937_64& rng) = random_cluster;
  PodSpec (*pod)(std::mt19937_64& rng) = random_pod;
  void (*plugins)(Framework& f) = add_plugins;
};

// Runs `pods` random pods through the sequential framework and parallel schedulers with 1, 2 and
// 4 threads, each on its own copy of the cluster, and compares every cycle's result.
void expect_same_decisions(int nodes, int pods, int percentage, std::uint64_t seed,
                           Workload setup = {}) {
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 4);
  std::mt19937_64 rng(seed);
  const NodeTable cluster = setup.cluster(nodes, rng);
  NodeTable seq_table = cluster;
  Framework sequential(percentage);
  setup.plugins(sequential);
  const int kThreads[] = {1, 2, 4};
  std::vector<NodeTable> tables(3, cluster);
  std::vector<std::unique_ptr<Framework>> configs;
  std::vector<std::unique_ptr<ParallelScheduler>> parallel;
  for (int threads : kThreads) {
    configs.push_back(std::make_unique<Framework>(percentage));
    setup.plugins(*configs.back());
    // A small grain so that even the sampled scans split into many tasks.
    parallel.push_back(std::make_unique<ParallelScheduler>(*configs.back(), threads, 64));
  }
  std::set<int> chosen;
  int unschedulable = 0;
  for (int i = 0; i < pods; ++i) {
    const PodSpec pod = setup.pod(rng);
    const Framework::Result want = sequential.schedule(seq_table, pod);
    for (std::size_t k = 0; k < parallel.size(); ++k) {
      const ParallelScheduler::Result got = parallel[k]->schedule(tables[k], pod);
      ASSERT_EQ(got.node, want.node) << "pod " << i << ", " << kThreads[k] << " threads";
      ASSERT_EQ(got.total_score, want.total_score) << "pod " << i;
      ASSERT_EQ(got.nodes_examined, want.nodes_examined) << "pod " << i;
      ASSERT_EQ(got.feasible, want.feasible) << "pod " << i;
      ASSERT_EQ(parallel[k]->next_start_node_index(), sequential.next_start_node_index());
    }
    chosen.insert(want.node);
    unschedulable += want.node < 0;
  }
  // Every table saw the same binds.
  for (const NodeTable& t : tables) {
    EXPECT_EQ(t.req_cpu_, seq_table.req_cpu_);
    EXPECT_EQ(t.req_mem_, seq_table.req_mem_);
  }
  // The run is not degenerate: many distinct nodes chosen, and some pods found no node.
  EXPECT_GT(chosen.size(), static_cast<std::size_t>(pods / 10));
  EXPECT_GT(unschedulable, 0);
}

TEST(ParallelScheduler, DecidesAsTheSequentialFrameworkExhaustively) {
  expect_same_decisions(1500, 1500, 100, 21);
}

TEST(ParallelScheduler, DecidesAsTheSequentialFrameworkWithAdaptiveSampling) {
  // 2,500 nodes: 50 - 2500/125 = 30 % -> 750 feasible nodes wanted per cycle, found in rotation.
  expect_same_decisions(2500, 2500, 0, 22);
}

TEST(ParallelScheduler, DecidesAsTheSequentialFrameworkWithASmallSample) {
  // 10 % of 2,000 = 200 per cycle: many waves stop part-way through a chunk.
  expect_same_decisions(2000, 2000, 10, 23);
}

// The edge plug-ins (edge_plugins.h) on 20 sites with random latencies and bandwidths: random
// capabilities, accelerators, device types, batteries; pods with requirements, preferences, data
// locations (strict or soft), request sources, deadlines and battery thresholds.
NodeTable random_edge_cluster(int nodes, std::mt19937_64& rng) {
  NodeTable t = random_cluster(nodes, rng);  // sites site0..site19, catalog types, taints
  const int sites = t.site_count();
  auto latencies = std::make_shared<SiteLatencies>(sites);
  for (int a = 0; a < sites; ++a) {
    for (int b = 0; b < sites; ++b) {
      if (a != b && rng() % 10 == 0) continue;  // unreachable pair
      latencies->set(a, b, static_cast<sim::Time>(1 + rng() % 80) * 1'000'000,
                     1e6 * static_cast<double>(10 + rng() % 990));
    }
  }
  latencies->registry_site = 0;
  t.edge_.sites = latencies;
  for (int n = 0; n < nodes; ++n) {
    t.edge_.device_type_[n] = static_cast<int>(rng() % 4);
    if (rng() % 3 == 0) t.edge_.battery_[n] = static_cast<double>(rng() % 101) / 100.0;
  }
  return t;
}

PodSpec random_edge_pod(std::mt19937_64& rng) {
  PodSpec p = random_pod(rng);
  p.topology_spread.clear();  // keep the Kubernetes constraints light; the edge ones decide here
  if (rng() % 4 == 0) p.edge.capabilities = {{"accelerator", "gpu"}};
  if (rng() % 4 == 0) p.edge.accelerators = 1;
  p.edge.preferred_capabilities = {{"arch", rng() % 2 ? "aarch64" : "x86_64"}};
  p.edge.exec_s_by_type = {0.05, 0.2, rng() % 5 == 0 ? -1.0 : 0.4, 1.5};
  p.edge.source_site = static_cast<int>(rng() % 20);
  if (rng() % 2) {
    p.edge.data = {{static_cast<int>(rng() % 20), static_cast<std::int64_t>(rng() % 50) << 20}};
    p.edge.proximity_to_data = rng() % 2;
    if (rng() % 2) {
      p.edge.allowed_sites.assign(20, 0);
      for (char& allowed : p.edge.allowed_sites) allowed = rng() % 2;
      p.edge.strict = rng() % 2;
    }
  }
  if (rng() % 2) p.edge.deadline = static_cast<sim::Time>(1 + rng() % 10) * 1'000'000'000;
  if (rng() % 3 == 0) p.edge.min_battery = 0.3;
  return p;
}

void add_edge_plugins(Framework& f) {
  add_default_plugins(f);
  const std::pair<const char*, std::int64_t> edge[] = {
      {"CapabilityMatch", 2},     {"DataLocality", 3}, {"BatteryAware", 1},
      {"DeadlineFeasibility", 2}, {"Proximity", 3},    {"EnergyPerRequest", 1}};
  for (const auto& [name, weight] : edge) {
    ASSERT_TRUE(f.add_plugin(placement_registry().create(name), weight));
  }
}

TEST(ParallelScheduler, DecidesAsTheSequentialFrameworkWithTheEdgePlugins) {
  const Workload edge{random_edge_cluster, random_edge_pod, add_edge_plugins};
  expect_same_decisions(1500, 1500, 100, 24, edge);
  expect_same_decisions(1500, 1500, 0, 25, edge);  // 50 - 12 = 38 % -> 570 per cycle
}

TEST(ParallelScheduler, ReportsTheFeasibleNodesInScanOrderAndTheirTotals) {
  // 300 identical nodes, 50 % sampled -> 150 per cycle, scan starts at node 0 then at 150.
  NodeTable t;
  for (int i = 0; i < 300; ++i) {
    NodeSpec spec;
    spec.cpu_milli = 4000;
    spec.memory_bytes = 4096 * kMiB;
    t.add_node(spec);
  }
  Framework f(50);
  ASSERT_TRUE(f.add_plugin(make_node_resources_fit({}), 1));
  ParallelScheduler p(f, 2, 16);
  PodSpec pod;
  pod.cpu_milli = 1000;
  pod.memory_bytes = 1024 * kMiB;
  ParallelScheduler::Result r = p.select(t, pod);
  EXPECT_EQ(r.nodes_examined, 150);
  EXPECT_EQ(p.last_feasible().front(), 0);
  EXPECT_EQ(p.last_feasible().back(), 149);
  // LeastAllocated: cpu (4000 - 1000) x 100 / 4000 = 75, memory (4096 - 1024) x 100 / 4096 = 75.
  EXPECT_EQ(p.last_totals()[7], 75);
  EXPECT_EQ(r.node, 0);
  r = p.select(t, pod);
  EXPECT_EQ(p.last_feasible().front(), 150);
  EXPECT_EQ(r.node, 150);
  EXPECT_EQ(p.next_start_node_index(), 0);
}

TEST(ParallelScheduler, ASecondCycleOfTheSameShapeAllocatesNothingOnAnyThread) {
  // operator new is counted on every thread (allocation_counter.cpp); TBB's own task storage
  // comes from its allocator, not from operator new.
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 2);
  std::mt19937_64 rng(9);
  NodeTable t = random_cluster(2000, rng);
  PodSpec p;
  p.cpu_milli = 200;
  p.memory_bytes = 128 * kMiB;
  p.labels = {"app=web"};
  p.image = "infer";
  p.preferred_node_affinity = {{30, {{{"tier", NodeSelectorRequirement::Op::kIn, {"edge"}}}}}};
  p.topology_spread = {{5, TopologyKey::kZone, true, "app=web"},
                       {2, TopologyKey::kSite, false, "app=web"}};
  p.anti_affinity = {{"app=db", TopologyKey::kHostname}};
  for (int i = 0; i < 40; ++i) t.bind(i * 13, p);
  for (int percentage : {0, 100}) {
    for (int threads : {1, 2}) {
      Framework framework(percentage);
      add_plugins(framework);
      ParallelScheduler scheduler(framework, threads, 64);
      ASSERT_GE(scheduler.select(t, p).node, 0);  // sizes the buffers
      test::start_counting_allocations();
      const ParallelScheduler::Result again = scheduler.select(t, p);
      EXPECT_EQ(test::stop_counting_allocations(), 0)
          << "percentage " << percentage << ", " << threads << " threads";
      EXPECT_GE(again.node, 0);
    }
  }
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
