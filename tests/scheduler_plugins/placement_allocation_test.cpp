// The scoring loop allocates nothing once warm: the framework's and the plug-ins' per-cycle buffers
// are reused (allocation_counter.cpp counts operator new calls).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "allocation_counter.h"
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

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
