// The architectures by name: sequential and parallel place every pod alike; batch places a whole
// batch by min-cost flow; an unknown name lists the valid ones.
#include "scheduler_plugins/placement/architectures.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;

NodeTable nodes(int count) {
  NodeTable t;
  for (int i = 0; i < count; ++i) {
    NodeSpec spec;
    spec.cpu_milli = 1000 * (1 + i % 4);
    spec.memory_bytes = 4 * kGiB;
    spec.labels = {{"zone", i % 2 ? "a" : "b"}};
    t.add_node(spec);
  }
  return t;
}

std::vector<int> run(Architecture a, int threads, int batch_size) {
  NodeTable t = nodes(150);
  std::vector<PodSpec> pods(900);
  for (std::size_t i = 0; i < pods.size(); ++i) {
    pods[i].cpu_milli = 250 * static_cast<std::int64_t>(1 + i % 3);
    pods[i].memory_bytes = kGiB / 4;
    pods[i].preferred_node_affinity = {{static_cast<std::int64_t>(1 + i % 50),
                                        {{{"zone", NodeSelectorRequirement::Op::kIn, {"a"}}}}}};
  }
  Framework framework(0);  // adaptive sampling: 150 nodes -> 100 per cycle
  add_default_plugins(framework);
  return place_pods(a, framework, t, pods, {threads, batch_size});
}

TEST(Architectures, SequentialAndParallelPlaceEveryPodAlike) {
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 4);
  const std::vector<int> sequential = run(Architecture::kSequential, 1, 0);
  EXPECT_EQ(run(Architecture::kParallel, 1, 0), sequential);
  EXPECT_EQ(run(Architecture::kParallel, 4, 0), sequential);
  // Nodes of 1000, 2000, 3000, 4000m, 38 + 38 + 37 + 37 of them: 373,000m. Pods 250, 500, 750m,
  // 300 of each: 450,000m. So some pods cannot be placed.
  const auto unscheduled = std::count(sequential.begin(), sequential.end(), -1);
  EXPECT_GT(unscheduled, 0);
  EXPECT_LT(unscheduled, 300);
}

TEST(Architectures, BatchFillsTheClusterAsTheSequentialOneDoesAndNeverOvercommits) {
  const std::vector<int> sequential = run(Architecture::kSequential, 1, 0);
  const std::vector<int> batch = run(Architecture::kBatch, 1, 32);
  ASSERT_EQ(batch.size(), sequential.size());
  std::vector<std::int64_t> used(150, 0);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i] >= 0) used[batch[i]] += 250 * static_cast<std::int64_t>(1 + i % 3);
  }
  for (int n = 0; n < 150; ++n) EXPECT_LE(used[n], 1000 * (1 + n % 4)) << "node " << n;
  // Both fill the cluster to its 373,000m: requests are multiples of 250m and 300 pods of 250m
  // can fill the gaps the larger ones leave, so every node ends exactly full (observed for both;
  // an overcommit or a stop before the cluster is full breaks these).
  auto cpu = [](const std::vector<int>& placed) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < placed.size(); ++i) {
      if (placed[i] >= 0) sum += 250 * static_cast<std::int64_t>(1 + i % 3);
    }
    return sum;
  };
  EXPECT_EQ(cpu(sequential), 373'000);
  EXPECT_EQ(cpu(batch), 373'000);
}

TEST(Architectures, AreChosenByNameAndAnUnknownNameListsTheValidOnes) {
  Architecture a = Architecture::kSequential;
  ASSERT_TRUE(parse_architecture("batch", &a));
  EXPECT_EQ(a, Architecture::kBatch);
  EXPECT_EQ(architecture_name(Architecture::kParallel), "parallel");
  std::string error;
  EXPECT_FALSE(parse_architecture("firmament", &a, &error));
  EXPECT_EQ(error, "unknown scheduler architecture 'firmament'; valid: batch parallel sequential");
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
