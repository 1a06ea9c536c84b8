// The cluster and workload generator: the Google 2011 machine mix, its scaling, the edge share,
// determinism, and bad options.
#include "scheduler_plugins/placement/cluster_gen.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;

std::string label(const NodeTable& t, int n, const std::string& key) {
  for (const Label& l : t.labels_[n]) {
    if (l.first == key) return l.second;
  }
  return "";
}

std::map<std::string, int> count_classes(const NodeTable& t) {
  std::map<std::string, int> counts;
  for (int n = 0; n < t.size(); ++n) ++counts[label(t, n, "machine-class")];
  return counts;
}

TEST(ClusterGen, TheFullTraceMixHasTheTraceCounts) {
  int sum = 0;
  for (const MachineClass& c : google_2011_machine_mix()) sum += c.machines;
  EXPECT_EQ(sum, kGoogleTraceMachines);
  NodeTable t;
  generate_cluster({}, t);
  ASSERT_EQ(t.size(), 12583);
  const std::map<std::string, int> counts = count_classes(t);
  // Reiss et al. Table 1: 6,732 / 3,863 / 1,001 / 795 / 126 / 52 / 5 / 5 / 3 / 1.
  EXPECT_EQ(counts.at("c0"), 6732);
  EXPECT_EQ(counts.at("c1"), 3863);
  EXPECT_EQ(counts.at("c3"), 795);
  EXPECT_EQ(counts.at("c9"), 1);
  // c0 is (0.5, 0.5) of a 32-core, 128 GiB machine; c3 is (1, 1).
  EXPECT_EQ(t.alloc_cpu_[0], 16000);
  EXPECT_EQ(t.alloc_mem_[0], 64 * kGiB);
  const int first_c3 = 6732 + 3863 + 1001;
  EXPECT_EQ(label(t, first_c3, "machine-class"), "c3");
  EXPECT_EQ(t.alloc_cpu_[first_c3], 32000);
  EXPECT_EQ(t.alloc_mem_[first_c3], 128 * kGiB);
}

TEST(ClusterGen, ScalesTheMixByLargestRemainder) {
  // 1,000 of 12,583: exact shares 535.008, 307.002, 79.552, 63.180, 10.014, 4.133, 0.397,
  // 0.397, 0.238, 0.079; floors sum to 998, the two largest remainders (0.552 of c2, then the
  // tie 0.397 of c6 and c7, to the lower index c6) get one more.
  const double weights[] = {6732, 3863, 1001, 795, 126, 52, 5, 5, 3, 1};
  EXPECT_EQ(apportion(weights, 1000), (std::vector<int>{535, 307, 80, 63, 10, 4, 1, 0, 0, 0}));
  const double equal[] = {1, 1, 1};
  EXPECT_EQ(apportion(equal, 10), (std::vector<int>{4, 3, 3}));
}

TEST(ClusterGen, AddsTheEdgeShareFromTheDeviceCatalog) {
  ClusterOptions o;
  o.nodes = 1000;
  o.edge_share = 0.2;
  NodeTable t;
  generate_cluster(o, t);
  ASSERT_EQ(t.size(), 1000);
  const std::map<std::string, int> counts = count_classes(t);
  // 200 edge devices over weights 10/30/10/10/10/5/5/20 (sum 100): 20/60/20/20/20/10/10/40.
  EXPECT_EQ(counts.at("rpi4"), 60);
  EXPECT_EQ(counts.at("nuc"), 40);
  EXPECT_EQ(counts.at("jetson-tx2"), 10);
  // 800 trace machines: 428, 246, 64, 51, 8, 3 (remainders 0.601, 0.641, 0.544 round up).
  EXPECT_EQ(counts.at("c0"), 428);
  EXPECT_EQ(counts.at("c1"), 246);
  EXPECT_EQ(counts.count("c6"), 0u);
  // Edge devices carry the catalog's capacity and the edge taint: rpi4 has 4 cores and 1 GiB.
  for (int n = 0; n < t.size(); ++n) {
    const bool edge = label(t, n, "locality") == "edge";
    EXPECT_EQ(t.taints_[n].size() == 1 && t.taints_[n][0].key == "edgetwin.io/edge", edge)
        << t.name_[n];
    if (label(t, n, "machine-class") == "rpi4") {
      EXPECT_EQ(t.alloc_cpu_[n], 4000);
      EXPECT_EQ(t.alloc_mem_[n], 1 * kGiB);
      EXPECT_EQ(label(t, n, "topology.kubernetes.io/zone").rfind("edge-", 0), 0u);
    }
  }
}

TEST(ClusterGen, IsAFunctionOfTheSeed) {
  ClusterOptions o;
  o.nodes = 500;
  o.edge_share = 0.3;
  NodeTable a, b, c;
  generate_cluster(o, a);
  generate_cluster(o, b);
  o.seed = 2;
  generate_cluster(o, c);
  int zones_differ = 0;
  for (int n = 0; n < a.size(); ++n) {
    EXPECT_EQ(a.labels_[n], b.labels_[n]);
    EXPECT_EQ(a.zone_[n], b.zone_[n]);
    EXPECT_EQ(a.images_[n], b.images_[n]);
    EXPECT_EQ(a.taints_[n].size(), b.taints_[n].size());
    zones_differ +=
        label(a, n, "topology.kubernetes.io/zone") != label(c, n, "topology.kubernetes.io/zone");
  }
  EXPECT_GT(zones_differ, 100);  // another seed draws other zones (about 3/4 of 350 machines)
  WorkloadOptions w;
  EXPECT_EQ(generate_pod_sequence(w), generate_pod_sequence(w));
  const std::vector<PodSpec> t1 = generate_pod_templates(w), t2 = generate_pod_templates(w);
  for (std::size_t i = 0; i < t1.size(); ++i) {
    EXPECT_EQ(t1[i].cpu_milli, t2[i].cpu_milli);
    EXPECT_EQ(t1[i].labels, t2[i].labels);
    EXPECT_EQ(t1[i].image, t2[i].image);
  }
}

TEST(ClusterGen, TemplatesMixTheConstraintsAndSequencesAreDeployments) {
  WorkloadOptions w;
  w.templates = 32;
  const std::vector<PodSpec> templates = generate_pod_templates(w);
  int best_effort = 0, tolerating = 0, required = 0, preferred = 0, hard = 0, soft = 0, anti = 0;
  for (const PodSpec& p : templates) {
    best_effort += p.cpu_milli == 0 && p.memory_bytes == 0;
    tolerating += !p.tolerations.empty();
    required += !p.required_node_affinity.empty();
    preferred += !p.preferred_node_affinity.empty();
    for (const TopologySpreadConstraint& k : p.topology_spread) ++(k.do_not_schedule ? hard : soft);
    anti += !p.anti_affinity.empty();
    EXPECT_FALSE(p.image.empty());
  }
  // Each feature appears and none is universal (probabilities 0.1 to 0.4 per template).
  for (int count : {best_effort, tolerating, required, preferred, hard, soft, anti}) {
    EXPECT_GT(count, 0);
    EXPECT_LT(count, 32);
  }
  w.pods = 5000;
  const std::vector<int> sequence = generate_pod_sequence(w);
  ASSERT_EQ(sequence.size(), 5000u);
  // Deployments of 1..32 replicas arrive one after another: about 5000 / 16.5 = 300 runs.
  int runs = 1;
  for (std::size_t i = 1; i < sequence.size(); ++i) runs += sequence[i] != sequence[i - 1];
  EXPECT_GT(runs, 200);
  EXPECT_LT(runs, 400);
}

TEST(ClusterGen, RejectsBadOptions) {
  NodeTable t;
  ClusterOptions o;
  o.nodes = 0;
  EXPECT_THROW(generate_cluster(o, t), std::invalid_argument);
  o.nodes = 10;
  o.edge_share = 1.5;
  EXPECT_THROW(generate_cluster(o, t), std::invalid_argument);
  o.edge_share = 0.5;
  o.edge_sites = 0;
  EXPECT_THROW(generate_cluster(o, t), std::invalid_argument);
  WorkloadOptions w;
  w.templates = 0;
  EXPECT_THROW(generate_pod_templates(w), std::invalid_argument);
  EXPECT_THROW(generate_pod_sequence(w), std::invalid_argument);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
