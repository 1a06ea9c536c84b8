// The framework: the sampling rule, the rotating start, the deterministic tie-break, weights, and
// a generated fleet checked against a brute-force argmax.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "models/device_catalog.h"
#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;
constexpr std::int64_t kMiB = 1024LL * 1024;

PodSpec pod(std::int64_t cpu_milli, std::int64_t memory) {
  PodSpec p;
  p.cpu_milli = cpu_milli;
  p.memory_bytes = memory;
  return p;
}
NodeTable identical_nodes(int n) {
  NodeTable t;
  for (int i = 0; i < n; ++i) {
    NodeSpec spec;
    spec.cpu_milli = 4000;
    spec.memory_bytes = 8 * kGiB;
    t.add_node(spec);
  }
  return t;
}

TEST(Sampling, FollowsKubernetesAdaptiveRule) {
  // 5,000 nodes: 50 - 5000/125 = 10 % -> 5000*10/100 = 500 (>= 100).
  EXPECT_EQ(num_feasible_nodes_to_find(5000, 0), 500);
  // 100 nodes: not below 100, so 50 - 0 = 50 % -> 50, raised to the floor of 100.
  EXPECT_EQ(num_feasible_nodes_to_find(100, 0), 100);
  EXPECT_EQ(num_feasible_nodes_to_find(99, 0), 99);  // below 100 nodes: all
  // 1,000: 50 - 8 = 42 % -> 420. 12,583: 50 - 100 < 5, so 5 % -> 629.
  EXPECT_EQ(num_feasible_nodes_to_find(1000, 0), 420);
  EXPECT_EQ(num_feasible_nodes_to_find(12583, 0), 629);
  EXPECT_EQ(num_feasible_nodes_to_find(5000, 100), 5000);  // exhaustive
  EXPECT_EQ(num_feasible_nodes_to_find(1000, 30), 300);
  EXPECT_EQ(num_feasible_nodes_to_find(1000, 5), 100);  // 50, raised to 100
}

TEST(Framework, ExaminesOnlyTheSampleAndStartsWhereTheLastCycleStopped) {
  NodeTable t = identical_nodes(5000);
  Framework framework;  // adaptive: 500 of 5,000
  ASSERT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
  Framework::Result first = framework.select(t, pod(100, kMiB));
  EXPECT_EQ(first.nodes_examined, 500);
  EXPECT_EQ(first.feasible, 500);
  EXPECT_EQ(first.node, 0);  // all tie; lowest index
  EXPECT_EQ(framework.next_start_node_index(), 500);
  Framework::Result second = framework.select(t, pod(100, kMiB));
  EXPECT_EQ(second.node, 500);  // the scan covered nodes 500..999
  EXPECT_EQ(framework.next_start_node_index(), 1000);
}

TEST(Framework, BreaksTiesByTheLowestNodeIndexNotByScanOrder) {
  // 200 nodes at 75 % -> 150 per cycle. Cycle 1 scans 0..149; cycle 2 starts at 150 and wraps
  // (150..199, 0..99): every node ties, and the tie goes to node 0, not to node 150.
  NodeTable t = identical_nodes(200);
  Framework framework(75);
  ASSERT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
  EXPECT_EQ(framework.select(t, pod(100, kMiB)).node, 0);
  EXPECT_EQ(framework.next_start_node_index(), 150);
  EXPECT_EQ(framework.select(t, pod(100, kMiB)).node, 0);
  // Two best nodes of equal score: 7 and 3 are emptier than the rest; 3 wins.
  NodeTable u = identical_nodes(10);
  for (int n = 0; n < 10; ++n) {
    if (n != 3 && n != 7) u.bind(n, pod(1000, kGiB));
  }
  Framework exhaustive(100);
  ASSERT_TRUE(exhaustive.add_plugin(make_node_resources_fit({}), 1));
  EXPECT_EQ(exhaustive.select(u, pod(100, kMiB)).node, 3);
}

TEST(Framework, BuiltinsAreRegisteredByTheirKubernetesNames) {
  Registry<Plugin> registry;
  ASSERT_TRUE(register_builtin_placement_plugins(registry));
  EXPECT_EQ(registry.create("ImageLocality")->name(), "ImageLocality");
  EXPECT_EQ(registry.create("NodeResourcesFit/MostAllocated")->name(), "NodeResourcesFit");
  std::string error;
  EXPECT_EQ(registry.create("ImageLocallity", &error), nullptr);
  EXPECT_NE(error.find("valid: ImageLocality, InterPodAffinity, NodeAffinity"), std::string::npos)
      << error;
  EXPECT_FALSE(register_builtin_placement_plugins(registry, &error));  // names taken
}

TEST(Framework, TheProcessWideRegistryStartsWithTheBuiltins) {
  Registry<Plugin>& registry = placement_registry();
  EXPECT_EQ(&registry, &placement_registry());
  EXPECT_EQ(registry.entries().size(), 9U + 7U);  // the built-ins and the edge plug-ins
  EXPECT_EQ(registry.create("TaintToleration")->name(), "TaintToleration");
}

TEST(Framework, DefaultPluginsPreferTheUntaintedEmptierNode) {
  // Node 0 carries a PreferNoSchedule taint (TaintToleration, weight 3: 0 against 100 -> -300),
  // so node 1, otherwise identical, wins.
  NodeTable t = identical_nodes(2);
  t.taints_[0] = {{"flaky", "", TaintEffect::kPreferNoSchedule}};
  Framework framework(100);
  add_default_plugins(framework);
  EXPECT_EQ(framework.select(t, pod(100, kMiB)).node, 1);
}

TEST(Framework, RefusesAWeightBelowOne) {
  Framework framework;
  std::string error;
  EXPECT_FALSE(framework.add_plugin(make_image_locality(), -2, &error));
  EXPECT_EQ(error, "plug-in 'ImageLocality' has weight -2; weights must be at least 1");
}

TEST(Framework, ScheduleBindsAndReportsUnschedulable) {
  NodeTable t = identical_nodes(2);
  Framework framework(100);
  ASSERT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
  // LeastAllocated prefers the emptier node, so two 3000m pods go to different nodes.
  EXPECT_EQ(framework.schedule(t, pod(3000, kGiB)).node, 0);
  EXPECT_EQ(framework.schedule(t, pod(3000, kGiB)).node, 1);
  EXPECT_EQ(t.req_cpu_[0], 3000);
  Framework::Result none = framework.schedule(t, pod(3000, kGiB));
  EXPECT_EQ(none.node, -1);
  EXPECT_EQ(none.nodes_examined, 2);
}

// A fleet of catalog devices with random load, labels, taints and images; the framework's pick
// must equal the argmax of sum(weight x normalized score) over the feasible nodes, computed here
// by a plain loop (ties: lowest index).
TEST(Framework, PlacesOnTheNodeWithTheHighestWeightedSumInAGeneratedFleet) {
  std::mt19937_64 rng(42);
  const auto& types = models::builtin_device_types();
  NodeTable t;
  const int kNodes = 600;
  for (int i = 0; i < kNodes; ++i) {
    const models::DeviceType& type = types[rng() % types.size()];
    NodeSpec spec =
        node_from_device_type(type, "n" + std::to_string(i), "site" + std::to_string(i % 7),
                              "zone" + std::to_string(i % 3));
    if (rng() % 5 == 0) spec.taints.push_back({"flaky", "", TaintEffect::kPreferNoSchedule});
    if (rng() % 9 == 0) spec.taints.push_back({"dedicated", "ml", TaintEffect::kNoSchedule});
    if (rng() % 3 == 0) spec.images.push_back("infer");
    t.add_node(spec);
  }
  t.set_image_size("infer", 600 * kMiB);
  for (int i = 0; i < 3 * kNodes; ++i) {
    const int n = static_cast<int>(rng() % kNodes);
    const PodSpec load =
        pod(static_cast<std::int64_t>(rng() % 400), static_cast<std::int64_t>(rng() % 256) * kMiB);
    if (load.cpu_milli <= t.alloc_cpu_[n] - t.req_cpu_[n] &&
        load.memory_bytes <= t.alloc_mem_[n] - t.req_mem_[n]) {
      t.bind(n, load);
    }
  }

  std::vector<std::pair<std::unique_ptr<Plugin>, std::int64_t>> reference;
  Framework framework(100);
  auto add = [&](auto make, std::int64_t weight) {
    ASSERT_TRUE(framework.add_plugin(make(), weight));
    reference.emplace_back(make(), weight);
  };
  add([] { return make_node_resources_fit({}); }, 1);
  add([] { return make_balanced_allocation(); }, 1);
  add([] { return make_image_locality(); }, 1);
  add([] { return make_taint_toleration(); }, 3);
  add([] { return make_node_affinity(); }, 2);

  std::set<int> chosen;
  for (int trial = 0; trial < 20; ++trial) {
    PodSpec p = pod(100 + static_cast<std::int64_t>(rng() % 1500),
                    (64 + static_cast<std::int64_t>(rng() % 1024)) * kMiB);
    p.image = "infer";
    p.preferred_node_affinity = {{static_cast<std::int64_t>(1 + rng() % 100),
                                  {{{"arch", NodeSelectorRequirement::Op::kIn, {"aarch64"}}}}},
                                 {static_cast<std::int64_t>(1 + rng() % 100),
                                  {{{"accelerator", NodeSelectorRequirement::Op::kIn, {"gpu"}}}}}};
    if (trial % 2 == 0)
      p.tolerations = {{"dedicated", "ml", false, false, TaintEffect::kNoSchedule}};

    std::vector<int> feasible;
    for (int n = 0; n < kNodes; ++n) {
      bool ok = true;
      for (auto& [plugin, weight] : reference) {
        ok = ok && plugin->pre_filter(t, p) && (!plugin->has_filter() || plugin->filter(t, p, n));
      }
      if (ok) feasible.push_back(n);
    }
    ASSERT_GT(feasible.size(), 10u);
    std::vector<std::int64_t> total(feasible.size(), 0);
    for (auto& [plugin, weight] : reference) {
      plugin->pre_score(t, p, feasible);
      std::vector<std::int64_t> s;
      for (int n : feasible) s.push_back(plugin->score(t, p, n));
      plugin->normalize_score(s);
      for (std::size_t i = 0; i < s.size(); ++i) total[i] += weight * s[i];
    }
    std::size_t best = 0;
    for (std::size_t i = 0; i < total.size(); ++i) {
      if (total[i] > total[best]) best = i;  // ascending index: ties keep the lowest
    }
    const Framework::Result result = framework.schedule(t, p);
    ASSERT_EQ(result.node, feasible[best]) << "trial " << trial;
    EXPECT_EQ(result.total_score, total[best]);
    EXPECT_EQ(result.feasible, static_cast<int>(feasible.size()));
    chosen.insert(result.node);
  }
  EXPECT_GT(chosen.size(), 3u);  // the case is not a trivial tie at one node
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
