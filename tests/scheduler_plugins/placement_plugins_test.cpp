// Each built-in plug-in's score or filter on hand-computed nodes; the arithmetic is in the
// comments (integer division as in kube-scheduler).
#include <gtest/gtest.h>

#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;
constexpr std::int64_t kMiB = 1024LL * 1024;

NodeSpec node(std::int64_t cpu_milli, std::int64_t memory) {
  NodeSpec spec;
  spec.cpu_milli = cpu_milli;
  spec.memory_bytes = memory;
  return spec;
}
PodSpec pod(std::int64_t cpu_milli, std::int64_t memory) {
  PodSpec p;
  p.cpu_milli = cpu_milli;
  p.memory_bytes = memory;
  return p;
}

// Node A: 4000m, 8 GiB, already 1000m + 2 GiB requested. Node B: 2000m, 8 GiB, empty.
// The pod asks 1000m + 2 GiB, so with it A holds 2000m/4000m and 4/8 GiB, B 1000m/2000m, 2/8 GiB.
NodeTable two_nodes() {
  NodeTable t;
  t.add_node(node(4000, 8 * kGiB));
  t.add_node(node(2000, 8 * kGiB));
  t.bind(0, pod(1000, 2 * kGiB));
  return t;
}

TEST(NodeResourcesFit, LeastAllocatedAveragesTheFreeShareOfCpuAndMemory) {
  NodeTable t = two_nodes();
  auto plugin = make_node_resources_fit({});
  const PodSpec p = pod(1000, 2 * kGiB);
  // A: cpu (4000-2000)*100/4000 = 50, memory (8-4)*100/8 = 50 -> (50+50)/2 = 50.
  EXPECT_EQ(plugin->score(t, p, 0), 50);
  // B: cpu (2000-1000)*100/2000 = 50, memory (8-2)*100/8 = 75 -> (50+75)/2 = 62.
  EXPECT_EQ(plugin->score(t, p, 1), 62);
  // Weights cpu 3, memory 1 on B: (3*50 + 1*75)/4 = 225/4 = 56.
  FitArgs weighted;
  weighted.cpu_weight = 3;
  EXPECT_EQ(make_node_resources_fit(weighted)->score(t, p, 1), 56);
}

TEST(NodeResourcesFit, ScoresCountUnsetRequestsAsTheDefaults) {
  // A node of 1000m and 1000 MiB holding one pod without requests, scoring another: each counts
  // 100m and 200 MiB, so 200m and 400 MiB: cpu (1000-200)*100/1000 = 80, memory
  // (1000-400)*100/1000 = 60 -> 70. The filter still sees no request at all.
  NodeTable t;
  t.add_node(node(1000, 1000 * kMiB));
  t.bind(0, pod(0, 0));
  EXPECT_EQ(t.req_cpu_[0], 0);
  EXPECT_EQ(make_node_resources_fit({})->score(t, pod(0, 0), 0), 70);
  // BalancedAllocation uses the requests as given: a best-effort pod scores 0 everywhere.
  EXPECT_EQ(make_balanced_allocation()->score(t, pod(0, 0), 0), 0);
}

TEST(NodeResourcesFit, MostAllocatedAveragesTheUsedShare) {
  NodeTable t = two_nodes();
  FitArgs args;
  args.strategy = FitStrategy::kMostAllocated;
  auto plugin = make_node_resources_fit(args);
  const PodSpec p = pod(1000, 2 * kGiB);
  // A: cpu 2000*100/4000 = 50, memory 4*100/8 = 50 -> 50.
  EXPECT_EQ(plugin->score(t, p, 0), 50);
  // B: cpu 1000*100/2000 = 50, memory 2*100/8 = 25 -> 75/2 = 37.
  EXPECT_EQ(plugin->score(t, p, 1), 37);
}

TEST(NodeResourcesFit, RequestedToCapacityRatioFollowsTheShapeAndRoundsTheMean) {
  NodeTable t = two_nodes();
  FitArgs args;
  args.strategy = FitStrategy::kRequestedToCapacityRatio;
  args.shape = {{0, 0}, {100, 10}};  // bin packing; scores x10 -> 0..100
  auto plugin = make_node_resources_fit(args);
  const PodSpec p = pod(1000, 2 * kGiB);
  // A: utilization 50 % and 50 % -> f = 50, 50 -> round(100/2) = 50.
  EXPECT_EQ(plugin->score(t, p, 0), 50);
  // B: utilization 50 % and 25 % -> f = 50, 25 -> round(75/2 = 37.5) = 38.
  EXPECT_EQ(plugin->score(t, p, 1), 38);
  // A three-point shape (scaled): (0,0) (50,80) (100,100); at 75: 80 + 20*25/50 = 90.
  EXPECT_EQ(broken_linear({{0, 0}, {50, 80}, {100, 100}}, 75), 90);
  EXPECT_EQ(broken_linear({{10, 30}, {100, 100}}, 5), 30);  // below the first point
}

TEST(NodeResourcesFit, FiltersNodesWithoutRoomForTheRequest) {
  NodeTable t = two_nodes();
  auto plugin = make_node_resources_fit({});
  // A has 3000m free, B 2000m: a 2500m pod fits A only.
  EXPECT_TRUE(plugin->filter(t, pod(2500, kGiB), 0));
  EXPECT_FALSE(plugin->filter(t, pod(2500, kGiB), 1));
  // A has 6 GiB free.
  EXPECT_FALSE(plugin->filter(t, pod(100, 7 * kGiB), 0));
}

TEST(BalancedAllocation, ScoresOneMinusTheStandardDeviationOfTheFractions) {
  NodeTable t = two_nodes();
  auto plugin = make_balanced_allocation();
  const PodSpec p = pod(1000, 2 * kGiB);
  // A: fractions 0.5 and 0.5 -> std 0 -> 100.
  EXPECT_EQ(plugin->score(t, p, 0), 100);
  // B: fractions 0.5 and 0.25 -> std |0.5-0.25|/2 = 0.125 -> int(0.875*100) = 87.
  EXPECT_EQ(plugin->score(t, p, 1), 87);
}

TEST(ImageLocality, ScalesTheImageSizeBySpreadBetweenTheThresholds) {
  NodeTable t;
  for (int i = 0; i < 4; ++i) {
    NodeSpec spec = node(1000, kGiB);
    spec.images = {"huge"};
    if (i < 2) spec.images = {"huge", "big", "small"};
    t.add_node(spec);
  }
  t.set_image_size("big", 500 * kMiB);
  t.set_image_size("small", 40 * kMiB);
  t.set_image_size("huge", 3000 * kMiB);
  auto plugin = make_image_locality();
  auto score = [&](const char* image, int n) {
    PodSpec p = pod(100, kMiB);
    p.image = image;
    plugin->pre_score(t, p, {});
    return plugin->score(t, p, n);
  };
  // big on 2 of 4 nodes: 500 MiB * 2/4 = 250 MiB -> 100*(250-23)/(1000-23) = 22700/977 = 23.
  EXPECT_EQ(score("big", 0), 23);
  EXPECT_EQ(score("big", 2), 0);  // not on node 2: the sum is 0, clamped to 23 MiB -> 0
  // small: 40 MiB * 2/4 = 20 MiB < 23 MiB -> 0.
  EXPECT_EQ(score("small", 1), 0);
  // huge on every node: 3000 MiB, clamped to 1000 MiB -> 100.
  EXPECT_EQ(score("huge", 3), 100);
  EXPECT_EQ(score("unknown", 0), 0);
}

TEST(TaintToleration, FiltersNoScheduleAndScoresPreferNoScheduleReversed) {
  NodeTable t;
  t.add_node(node(1000, kGiB));  // no taints
  NodeSpec gpu = node(1000, kGiB);
  gpu.taints = {{"gpu", "true", TaintEffect::kNoSchedule}};
  t.add_node(gpu);
  NodeSpec two = node(1000, kGiB);
  two.taints = {{"a", "", TaintEffect::kPreferNoSchedule},
                {"b", "", TaintEffect::kPreferNoSchedule}};
  t.add_node(two);
  NodeSpec one = node(1000, kGiB);
  one.taints = {{"a", "", TaintEffect::kPreferNoSchedule}};
  t.add_node(one);
  auto plugin = make_taint_toleration();

  PodSpec plain = pod(100, kMiB);
  EXPECT_TRUE(plugin->filter(t, plain, 0));
  EXPECT_FALSE(plugin->filter(t, plain, 1));
  EXPECT_TRUE(plugin->filter(t, plain, 2));  // PreferNoSchedule never filters
  PodSpec tolerant = plain;
  tolerant.tolerations = {{"gpu", "true", false, false, TaintEffect::kNoSchedule}};
  EXPECT_TRUE(plugin->filter(t, tolerant, 1));
  tolerant.tolerations = {{"gpu", "false", false, false, TaintEffect::kNoSchedule}};
  EXPECT_FALSE(plugin->filter(t, tolerant, 1));  // Equal with another value

  // Raw untolerated PreferNoSchedule counts on nodes 0, 2, 3: 0, 2, 1; max 2;
  // reversed: 100 - 100*0/2 = 100, 100 - 100*2/2 = 0, 100 - 100*1/2 = 50.
  std::vector<std::int64_t> scores;
  for (int n : {0, 2, 3}) scores.push_back(plugin->score(t, plain, n));
  EXPECT_EQ(scores, (std::vector<std::int64_t>{0, 2, 1}));
  plugin->normalize_score(scores);
  EXPECT_EQ(scores, (std::vector<std::int64_t>{100, 0, 50}));
  // Tolerating "a" (Exists, any effect): counts 0, 1, 0 -> 100, 0, 100.
  PodSpec tolerates_a = plain;
  tolerates_a.tolerations = {{"a", "", true, true, TaintEffect::kNoSchedule}};
  scores.clear();
  for (int n : {0, 2, 3}) scores.push_back(plugin->score(t, tolerates_a, n));
  plugin->normalize_score(scores);
  EXPECT_EQ(scores, (std::vector<std::int64_t>{100, 0, 100}));
  // No untolerated taint anywhere: every node 100.
  scores = {0, 0};
  plugin->normalize_score(scores);
  EXPECT_EQ(scores, (std::vector<std::int64_t>{100, 100}));
}

TEST(NodeAffinity, RequiredTermsFilterAndPreferredWeightsAreNormalized) {
  NodeTable t;
  auto labelled = [](std::string zone, std::string arch) {
    NodeSpec spec = node(1000, kGiB);
    spec.labels = {{"zone", std::move(zone)}, {"arch", std::move(arch)}};
    return spec;
  };
  t.add_node(labelled("a", "x86_64"));
  t.add_node(labelled("b", "aarch64"));
  t.add_node(labelled("b", "x86_64"));
  t.add_node(labelled("c", "aarch64"));
  auto plugin = make_node_affinity();
  PodSpec p = pod(100, kMiB);
  p.required_node_affinity = {{{{"zone", NodeSelectorRequirement::Op::kIn, {"a", "b"}}}}};
  EXPECT_TRUE(plugin->filter(t, p, 0));
  EXPECT_TRUE(plugin->filter(t, p, 2));
  EXPECT_FALSE(plugin->filter(t, p, 3));
  p.preferred_node_affinity = {{80, {{{"arch", NodeSelectorRequirement::Op::kIn, {"aarch64"}}}}},
                               {20, {{{"zone", NodeSelectorRequirement::Op::kIn, {"a"}}}}}};
  // Raw on nodes 0, 1, 2: 20, 80, 0; max 80 -> 100*20/80 = 25, 100, 0.
  std::vector<std::int64_t> scores;
  for (int n : {0, 1, 2}) scores.push_back(plugin->score(t, p, n));
  EXPECT_EQ(scores, (std::vector<std::int64_t>{20, 80, 0}));
  plugin->normalize_score(scores);
  EXPECT_EQ(scores, (std::vector<std::int64_t>{25, 100, 0}));
  // NotIn / DoesNotExist.
  PodSpec q = pod(100, kMiB);
  q.required_node_affinity = {{{{"zone", NodeSelectorRequirement::Op::kNotIn, {"a"}},
                                {"gpu", NodeSelectorRequirement::Op::kDoesNotExist, {}}}}};
  EXPECT_FALSE(plugin->filter(t, q, 0));
  EXPECT_TRUE(plugin->filter(t, q, 1));
}

// Six nodes, two per zone z0, z1, z2; pods labelled app=web: 2 in z0, 1 in z1, 0 in z2.
NodeTable zoned() {
  NodeTable t;
  for (int i = 0; i < 6; ++i) {
    NodeSpec spec = node(4000, 4 * kGiB);
    spec.zone = "z" + std::to_string(i / 2);
    spec.site = "s";
    t.add_node(spec);
  }
  PodSpec web = pod(100, kMiB);
  web.labels = {"app=web"};
  t.bind(0, web);
  t.bind(1, web);
  t.bind(2, web);
  return t;
}

TEST(PodTopologySpread, RejectsDomainsWhoseSkewWouldExceedMaxSkew) {
  NodeTable t = zoned();
  auto plugin = make_pod_topology_spread();
  PodSpec p = pod(100, kMiB);
  p.labels = {"app=web"};
  p.topology_spread = {{1, TopologyKey::kZone, true, "app=web"}};
  ASSERT_TRUE(plugin->pre_filter(t, p));
  // min over zones = 0; skew = count + 1 (the pod matches itself) - 0:
  // z0: 3 > 1 rejected, z1: 2 > 1 rejected, z2: 1 accepted.
  EXPECT_FALSE(plugin->filter(t, p, 0));
  EXPECT_FALSE(plugin->filter(t, p, 3));
  EXPECT_TRUE(plugin->filter(t, p, 4));
  EXPECT_TRUE(plugin->filter(t, p, 5));
  p.topology_spread[0].max_skew = 2;  // z1: 2 <= 2 now accepted; z0: 3 still rejected
  ASSERT_TRUE(plugin->pre_filter(t, p));
  EXPECT_FALSE(plugin->filter(t, p, 1));
  EXPECT_TRUE(plugin->filter(t, p, 2));
  // Per hostname, maxSkew 1: min over nodes 0 -> nodes 0..2 hold 1: 1+1-0 = 2 > 1 rejected.
  p.topology_spread = {{1, TopologyKey::kHostname, true, "app=web"}};
  ASSERT_TRUE(plugin->pre_filter(t, p));
  EXPECT_FALSE(plugin->filter(t, p, 2));
  EXPECT_TRUE(plugin->filter(t, p, 3));
  // ScheduleAnyway constraints never filter.
  p.topology_spread[0].do_not_schedule = false;
  ASSERT_TRUE(plugin->pre_filter(t, p));
  EXPECT_TRUE(plugin->filter(t, p, 0));
}

TEST(PodTopologySpread, ScoresScheduleAnywayConstraintsByWeightedDomainCounts) {
  NodeTable t = zoned();
  auto plugin = make_pod_topology_spread();
  PodSpec p = pod(100, kMiB);
  p.topology_spread = {{1, TopologyKey::kZone, false, "app=web"}};
  const std::vector<int> all = {0, 1, 2, 3, 4, 5};
  auto scores = [&] {
    plugin->pre_score(t, p, all);
    std::vector<std::int64_t> s;
    for (int n : all) s.push_back(plugin->score(t, p, n));
    plugin->normalize_score(s);
    return s;
  };
  // 3 zones among the scored nodes: weight ln(3 + 2) = 1.609. Raw: z0 round(2 x 1.609) = 3,
  // z1 round(1.609) = 2, z2 0. max 3, min 0: 100(3-3)/3 = 0, 100(3-2)/3 = 33, 100(3-0)/3 = 100.
  EXPECT_EQ(scores(), (std::vector<std::int64_t>{0, 0, 33, 33, 100, 100}));
  // maxSkew 3 adds 2: raw 5, 4, 2; max 5, min 2: 100(7-5)/5 = 40, 100(7-4)/5 = 60, 100.
  p.topology_spread[0].max_skew = 3;
  EXPECT_EQ(scores(), (std::vector<std::int64_t>{40, 40, 60, 60, 100, 100}));
  // Per hostname: 6 scored nodes, weight ln(8) = 2.079; nodes 0..2 hold one: raw 2, others 0 ->
  // 100(2-2)/2 = 0 and 100(2-0)/2 = 100.
  p.topology_spread = {{1, TopologyKey::kHostname, false, "app=web"}};
  EXPECT_EQ(scores(), (std::vector<std::int64_t>{0, 0, 0, 100, 100, 100}));
  // No soft constraint: the plug-in is skipped, every node 0.
  p.topology_spread = {{1, TopologyKey::kZone, true, "app=web"}};
  EXPECT_EQ(scores(), (std::vector<std::int64_t>(6, 0)));
}

TEST(InterPodAffinity, RequiredAntiAffinityRejectsDomainsHoldingAMatchingPod) {
  NodeTable t = zoned();
  auto plugin = make_inter_pod_affinity();
  PodSpec p = pod(100, kMiB);
  p.anti_affinity = {{"app=web", TopologyKey::kHostname}};
  ASSERT_TRUE(plugin->pre_filter(t, p));
  EXPECT_FALSE(plugin->filter(t, p, 0));
  EXPECT_FALSE(plugin->filter(t, p, 2));
  EXPECT_TRUE(plugin->filter(t, p, 3));  // z1's second node holds no web pod
  p.anti_affinity = {{"app=web", TopologyKey::kZone}};
  ASSERT_TRUE(plugin->pre_filter(t, p));
  EXPECT_FALSE(plugin->filter(t, p, 3));  // z1 holds one
  EXPECT_TRUE(plugin->filter(t, p, 4));
  p.anti_affinity = {{"app=db", TopologyKey::kZone}};  // no pod ever carried it
  ASSERT_TRUE(plugin->pre_filter(t, p));
  EXPECT_TRUE(plugin->filter(t, p, 0));
}

TEST(InterPodAffinity, ABoundPodsAntiAffinityKeepsMatchingPodsOutOfItsDomain) {
  // A db pod on node 4 (zone z2) refuses app=web pods in its zone; web pods may go to z0 and z1
  // only, other pods anywhere.
  NodeTable t = zoned();
  PodSpec db = pod(100, kMiB);
  db.labels = {"app=db"};
  db.anti_affinity = {{"app=web", TopologyKey::kZone}};
  t.bind(4, db);
  auto plugin = make_inter_pod_affinity();
  PodSpec web = pod(100, kMiB);
  web.labels = {"app=web"};
  ASSERT_TRUE(plugin->pre_filter(t, web));
  EXPECT_TRUE(plugin->filter(t, web, 0));
  EXPECT_TRUE(plugin->filter(t, web, 3));
  EXPECT_FALSE(plugin->filter(t, web, 4));
  EXPECT_FALSE(plugin->filter(t, web, 5));
  PodSpec other = pod(100, kMiB);
  other.labels = {"app=cache"};
  ASSERT_TRUE(plugin->pre_filter(t, other));
  EXPECT_TRUE(plugin->filter(t, other, 5));
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
