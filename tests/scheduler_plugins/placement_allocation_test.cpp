// The scoring loop allocates nothing once warm: the framework's and the plug-ins' per-cycle buffers
// are reused (allocation_counter.cpp counts operator new calls).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "allocation_counter.h"
#include "scheduler_plugins/placement/cluster_gen.h"
#include "scheduler_plugins/placement/incremental_scheduler.h"
#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

TEST(AllocationCounter, SeesAnAllocation) {
  test::start_counting_allocations();
  auto buffer = std::make_unique<std::vector<int>>(1000, 7);
  const long counted = test::stop_counting_allocations();
  EXPECT_EQ((*buffer)[999], 7);
  EXPECT_GE(counted, 2);
}

TEST(Framework, ASecondCycleOfTheSameShapeAllocatesNothing) {
  NodeTable t;
  for (int i = 0; i < 2000; ++i) {
    NodeSpec spec;
    spec.cpu_milli = 4000;
    spec.memory_bytes = 8LL << 30;
    spec.zone = "z" + std::to_string(i % 3);
    spec.labels = {{"arch", i % 2 ? "aarch64" : "x86_64"}};
    if (i % 4 == 0) spec.taints = {{"flaky", "", TaintEffect::kPreferNoSchedule}};
    if (i % 5 == 0) spec.images = {"infer"};
    t.add_node(spec);
  }
  t.set_image_size("infer", 300LL << 20);
  PodSpec web;
  web.cpu_milli = 100;
  web.memory_bytes = 64LL << 20;
  web.labels = {"app=web"};
  for (int i = 0; i < 50; ++i) t.bind(i * 7, web);

  PodSpec p = web;
  p.image = "infer";
  p.preferred_node_affinity = {{30, {{{"arch", NodeSelectorRequirement::Op::kIn, {"aarch64"}}}}}};
  p.topology_spread = {{5, TopologyKey::kZone, true, "app=web"},
                       {2, TopologyKey::kZone, false, "app=web"}};
  p.anti_affinity = {{"app=db", TopologyKey::kHostname}};
  t.bind(1, [] {
    PodSpec db;
    db.labels = {"app=db"};
    db.anti_affinity = {{"app=web", TopologyKey::kHostname}};
    return db;
  }());

  for (int percentage : {0, 100}) {
    Framework framework(percentage);
    ASSERT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
    ASSERT_TRUE(framework.add_plugin(make_balanced_allocation(), 1));
    ASSERT_TRUE(framework.add_plugin(make_image_locality(), 1));
    ASSERT_TRUE(framework.add_plugin(make_taint_toleration(), 3));
    ASSERT_TRUE(framework.add_plugin(make_node_affinity(), 2));
    ASSERT_TRUE(framework.add_plugin(make_pod_topology_spread(), 2));
    ASSERT_TRUE(framework.add_plugin(make_inter_pod_affinity(), 2));
    const Framework::Result warm = framework.select(t, p);  // sizes the buffers
    ASSERT_GE(warm.node, 0);
    test::start_counting_allocations();
    const Framework::Result again = framework.select(t, p);
    EXPECT_EQ(test::stop_counting_allocations(), 0) << "percentage " << percentage;
    EXPECT_GE(again.node, 0);
  }
}

// Once every template has been scheduled (its cache built), placing more pods allocates nothing:
// the dirty lists and trees are reused. Pods without images, since NodeTable::bind grows a node's
// image list the first time an image lands there.
TEST(IncrementalScheduler, PlacingPodsOfKnownTemplatesAllocatesNothing) {
  ClusterOptions cluster;
  cluster.nodes = 2000;
  cluster.edge_share = 0.2;
  NodeTable t;
  generate_cluster(cluster, t);
  WorkloadOptions workload;
  workload.pods = 3000;
  std::vector<PodSpec> templates = generate_pod_templates(workload);
  for (PodSpec& p : templates) p.image.clear();
  const std::vector<int> sequence = generate_pod_sequence(workload);
  IncrementalScheduler scheduler(t, benchmark_plugins(kBenchmarkScorers));
  for (const PodSpec& p : templates) scheduler.add_template(p);
  // Warm-up: four rounds over the templates build every template's cache.
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < scheduler.templates(); ++i) scheduler.schedule(i);
  }
  test::start_counting_allocations();
  int placed = 0;
  for (int i = 0; i < 1000; ++i) placed += scheduler.schedule(sequence[i]).node >= 0;
  EXPECT_EQ(test::stop_counting_allocations(), 0);
  EXPECT_EQ(placed, 1000);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
