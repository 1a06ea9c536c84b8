// The batch min-cost-flow scheduler: hand-solved instances, the unscheduled arc, and optimality
// against brute force (every assignment enumerated) on hundreds of small random instances.
#include "scheduler_plugins/placement/batch_scheduler.h"

#include <gtest/gtest.h>

#include <random>

#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;

PodSpec pod(std::int64_t cpu_milli, std::int64_t memory) {
  PodSpec p;
  p.cpu_milli = cpu_milli;
  p.memory_bytes = memory;
  return p;
}

TEST(BatchSolve, BeatsGreedyOnAHandSolvedInstance) {
  // Two pods, nodes A = 0 and B = 1 with one slot each.
  //   totals  A    B
  //   pod 0  100   90
  //   pod 1  100   10
  // Greedy in pod order: pod 0 -> A (100), pod 1 -> B (10): 110.
  // C = 100, costs C - total: pod 0: A 0, B 10; pod 1: A 0, B 90. Unscheduled: 2 x 100 + 1 = 201.
  // {0->A, 1->B} costs 0 + 90 = 90; {0->B, 1->A} costs 10 + 0 = 10, the minimum: total 190.
  BatchScheduler::Problem problem;
  problem.candidates = {{0, 1}, {0, 1}};
  problem.totals = {{100, 90}, {100, 10}};
  problem.capacity = {1, 1};
  EXPECT_EQ(BatchScheduler::solve(problem), (std::vector<int>{1, 0}));
}

TEST(BatchSolve, PlacesAsManyPodsAsPossibleBeforeMaximisingScore) {
  // Pod 0 may go to A (100) or B (0); pod 1 only to A (0); one slot each. C = 100, P = 201.
  // {0->A, 1 unscheduled} costs 0 + 201 = 201; {0->B, 1->A} costs 100 + 100 = 200: both placed.
  BatchScheduler::Problem problem;
  problem.candidates = {{0, 1}, {0}};
  problem.totals = {{100, 0}, {0}};
  problem.capacity = {1, 1};
  EXPECT_EQ(BatchScheduler::solve(problem), (std::vector<int>{1, 0}));
}

TEST(BatchSolve, LeavesTheCheapestPodUnscheduledWhenCapacityRunsOut) {
  // Three pods want node 0, which has 2 slots. Totals 50, 80, 100: C = 100, P = 3 x 100 + 1.
  // Leaving pod 0 out costs P + 20 + 0; leaving pod 1 out P + 50 + 0; pod 2: P + 50 + 20.
  BatchScheduler::Problem problem;
  problem.candidates = {{0}, {0}, {0}};
  problem.totals = {{50}, {80}, {100}};
  problem.capacity = {2};
  EXPECT_EQ(BatchScheduler::solve(problem), (std::vector<int>{-1, 0, 0}));
}

TEST(BatchSlots, CountsTheSmallestRequestsThatFitTogether) {
  NodeTable t;
  NodeSpec spec;
  spec.cpu_milli = 4000;
  spec.memory_bytes = 8 * kGiB;
  t.add_node(spec);
  t.bind(0, pod(1000, 1 * kGiB));  // free: 3000m, 7 GiB
  // cpu requests 500, 1000, 1000, 2000: prefix 0, 500, 1500, 2500, 4500 -> 3 fit in 3000m.
  // memory 1, 2, 3, 4 GiB: prefix 0, 1, 3, 6, 10 -> 3 fit in 7 GiB. min(3, 3) = 3.
  const std::vector<std::int64_t> cpu = {0, 500, 1500, 2500, 4500};
  const std::vector<std::int64_t> mem = {0, kGiB, 3 * kGiB, 6 * kGiB, 10 * kGiB};
  EXPECT_EQ(BatchScheduler::slot_capacity(t, 0, cpu, mem), 3);
  // With 5 GiB free memory: 2 fit (prefix 3 GiB <= 5 < 6).
  t.bind(0, pod(0, 2 * kGiB));
  EXPECT_EQ(BatchScheduler::slot_capacity(t, 0, cpu, mem), 2);
  // Overcommitted (cpu requested 5000m of 4000m): pods requesting no cpu still fit, as the
  // NodeResourcesFit filter lets them; three pods of (0m, 1 GiB): memory 5 GiB free takes all 3.
  t.bind(0, pod(4000, 0));
  const std::vector<std::int64_t> none = {0, 0, 0, 0};
  const std::vector<std::int64_t> gib = {0, kGiB, 2 * kGiB, 3 * kGiB};
  EXPECT_EQ(BatchScheduler::slot_capacity(t, 0, none, gib), 3);
  EXPECT_EQ(BatchScheduler::slot_capacity(t, 0, cpu, gib), 0);
}

TEST(BatchScheduler, PlacesTheBatchAndLeavesOutWhatDoesNotFit) {
  // Two nodes of 2000m take two 1000m pods each; five pods: four placed, one left out.
  NodeTable t;
  for (int i = 0; i < 2; ++i) {
    NodeSpec spec;
    spec.cpu_milli = 2000;
    spec.memory_bytes = 8 * kGiB;
    t.add_node(spec);
  }
  Framework framework(100);
  ASSERT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
  BatchScheduler batch(framework);
  const std::vector<PodSpec> pods(5, pod(1000, kGiB));
  const BatchScheduler::Result r = batch.schedule(t, pods);
  EXPECT_EQ(r.placed, 4);
  EXPECT_EQ(r.rounds, 1);
  EXPECT_EQ(std::count(r.node.begin(), r.node.end(), -1), 1);
  EXPECT_EQ(t.req_cpu_[0], 2000);
  EXPECT_EQ(t.req_cpu_[1], 2000);
}

// Brute force over Problem instances: every assignment of each pod to one of its candidates or
// to nothing, within node capacities; the best (most placed, then highest summed total) must have
// the solver's objective value.
struct Objective {
  int placed = 0;
  std::int64_t total = 0;
  bool operator==(const Objective&) const = default;
  bool better_than(const Objective& o) const {
    return placed != o.placed ? placed > o.placed : total > o.total;
  }
};

Objective brute_force(const BatchScheduler::Problem& p) {
  const std::size_t pods = p.candidates.size();
  Objective best;
  std::vector<int> choice(pods, -1);  // -1 unscheduled, else index into candidates
  std::vector<int> used(p.capacity.size(), 0);
  auto recurse = [&](auto&& self, std::size_t i, Objective now) -> void {
    if (i == pods) {
      if (now.better_than(best)) best = now;
      return;
    }
    self(self, i + 1, now);
    for (std::size_t c = 0; c < p.candidates[i].size(); ++c) {
      const int node = p.candidates[i][c];
      if (used[node] >= p.capacity[node]) continue;
      ++used[node];
      self(self, i + 1, Objective{now.placed + 1, now.total + p.totals[i][c]});
      --used[node];
    }
  };
  recurse(recurse, 0, Objective{});
  return best;
}

TEST(BatchSolve, IsOptimalAgainstBruteForceOnRandomInstances) {
  std::mt19937_64 rng(7);
  for (int instance = 0; instance < 500; ++instance) {
    const int pods = 1 + static_cast<int>(rng() % 5);
    const int nodes = 1 + static_cast<int>(rng() % 4);
    BatchScheduler::Problem p;
    p.capacity.resize(nodes);
    for (int& c : p.capacity) c = static_cast<int>(rng() % 3);  // 0..2 slots
    p.candidates.resize(pods);
    p.totals.resize(pods);
    for (int i = 0; i < pods; ++i) {
      for (int n = 0; n < nodes; ++n) {
        if (rng() % 4 == 0) continue;  // infeasible for this pod
        p.candidates[i].push_back(n);
        p.totals[i].push_back(static_cast<std::int64_t>(rng() % 301));
      }
    }
    const std::vector<int> a = BatchScheduler::solve(p);
    Objective got;
    std::vector<int> used(nodes, 0);
    for (int i = 0; i < pods; ++i) {
      if (a[i] < 0) continue;
      const auto& c = p.candidates[i];
      const auto at = std::find(c.begin(), c.end(), a[i]);
      ASSERT_NE(at, c.end()) << "instance " << instance << ": pod " << i << " on a non-candidate";
      ++got.placed;
      got.total += p.totals[i][static_cast<std::size_t>(at - c.begin())];
      ASSERT_LE(++used[a[i]], p.capacity[a[i]]) << "instance " << instance;
    }
    const Objective want = brute_force(p);
    ASSERT_EQ(got.placed, want.placed) << "instance " << instance;
    ASSERT_EQ(got.total, want.total) << "instance " << instance;
  }
}

// The whole scheduler on random clusters: NodeResourcesFit + BalancedAllocation + NodeAffinity
// (preferred) + TaintToleration, a batch of pods of one request size. The result must equal the
// best assignment found by enumerating every assignment that fits the nodes, scored with each
// pod's totals against the cluster before the batch.
TEST(BatchScheduler, IsOptimalAgainstBruteForceOnRandomClustersWithUniformRequests) {
  std::mt19937_64 rng(11);
  int with_unscheduled = 0;
  for (int instance = 0; instance < 300; ++instance) {
    const int num_nodes = 1 + static_cast<int>(rng() % 4);
    const int num_pods = 1 + static_cast<int>(rng() % 4);
    NodeTable t;
    for (int n = 0; n < num_nodes; ++n) {
      NodeSpec spec;
      spec.cpu_milli = 1000 * (1 + static_cast<std::int64_t>(rng() % 4));
      spec.memory_bytes = kGiB * (1 + static_cast<std::int64_t>(rng() % 8));
      spec.labels = {{"zone", rng() % 2 ? "a" : "b"}};
      if (rng() % 4 == 0) spec.taints = {{"flaky", "", TaintEffect::kPreferNoSchedule}};
      if (rng() % 6 == 0) spec.taints = {{"gpu", "", TaintEffect::kNoSchedule}};
      t.add_node(spec);
      t.bind(n, pod(static_cast<std::int64_t>(rng() % 1000), kGiB / 4));
    }
    const PodSpec shape = pod(250 * (1 + static_cast<std::int64_t>(rng() % 6)),
                              kGiB / 4 * (1 + static_cast<std::int64_t>(rng() % 8)));
    std::vector<PodSpec> pods(num_pods, shape);
    for (PodSpec& p : pods) {
      p.preferred_node_affinity = {{static_cast<std::int64_t>(1 + rng() % 100),
                                    {{{"zone", NodeSelectorRequirement::Op::kIn, {"a"}}}}}};
    }
    auto make_framework = [](Framework& f) {
      ASSERT_TRUE(f.add_plugin(make_node_resources_fit({}), 1));
      ASSERT_TRUE(f.add_plugin(make_balanced_allocation(), 1));
      ASSERT_TRUE(f.add_plugin(make_node_affinity(), 2));
      ASSERT_TRUE(f.add_plugin(make_taint_toleration(), 3));
    };

    // Reference: totals per (pod, node) before the batch; feasibility by the filters; fit by the
    // summed requests.
    Framework reference(100);
    make_framework(reference);
    std::vector<std::vector<std::int64_t>> total(num_pods,
                                                 std::vector<std::int64_t>(num_nodes, -1));
    for (int i = 0; i < num_pods; ++i) {
      reference.select(t, pods[i]);
      for (std::size_t k = 0; k < reference.last_feasible().size(); ++k) {
        total[i][reference.last_feasible()[k]] = reference.last_totals()[k];
      }
    }
    Objective want;
    std::vector<int> on(num_nodes, 0);
    auto recurse = [&](auto&& self, int i, Objective now) -> void {
      if (i == num_pods) {
        if (now.better_than(want)) want = now;
        return;
      }
      self(self, i + 1, now);
      for (int n = 0; n < num_nodes; ++n) {
        if (total[i][n] < 0) continue;
        const std::int64_t k = on[n] + 1;
        if (t.req_cpu_[n] + k * shape.cpu_milli > t.alloc_cpu_[n] ||
            t.req_mem_[n] + k * shape.memory_bytes > t.alloc_mem_[n]) {
          continue;
        }
        ++on[n];
        self(self, i + 1, Objective{now.placed + 1, now.total + total[i][n]});
        --on[n];
      }
    };
    recurse(recurse, 0, Objective{});

    Framework framework(100);
    make_framework(framework);
    BatchScheduler batch(framework);
    const BatchScheduler::Result r = batch.schedule(t, pods);
    ASSERT_EQ(r.rounds, 1) << "instance " << instance;
    ASSERT_EQ(r.placed, want.placed) << "instance " << instance;
    ASSERT_EQ(r.total_score, want.total) << "instance " << instance;
    for (int n = 0; n < num_nodes; ++n) {
      ASSERT_LE(t.req_cpu_[n], t.alloc_cpu_[n]) << "instance " << instance;
      ASSERT_LE(t.req_mem_[n], t.alloc_mem_[n]) << "instance " << instance;
    }
    with_unscheduled += r.placed < num_pods;
  }
  EXPECT_GT(with_unscheduled, 20);  // the instances exercise the unscheduled arc, too
}

TEST(BatchScheduler, RepairsAConflictBetweenPodsOfTheSameBatchInALaterRound) {
  // Two pods that refuse to share a host (required anti-affinity on their own label). Node 0 is
  // emptier (LeastAllocated prefers it for both) and has room for both, so the flow puts both
  // there; binding re-checks the filters, refuses the second pod, and round 2 puts it on node 1.
  NodeTable t;
  for (int i = 0; i < 2; ++i) {
    NodeSpec spec;
    spec.cpu_milli = 4000;
    spec.memory_bytes = 8 * kGiB;
    t.add_node(spec);
  }
  t.bind(1, pod(2000, 4 * kGiB));
  Framework framework(100);
  ASSERT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
  ASSERT_TRUE(framework.add_plugin(make_inter_pod_affinity(), 1));
  std::vector<PodSpec> pods(2, pod(500, kGiB));
  for (PodSpec& p : pods) {
    p.labels = {"app=web"};
    p.anti_affinity = {{"app=web", TopologyKey::kHostname}};
  }
  BatchScheduler batch(framework);
  const BatchScheduler::Result r = batch.schedule(t, pods);
  EXPECT_EQ(r.rounds, 2);
  EXPECT_EQ(r.placed, 2);
  EXPECT_EQ(r.node, (std::vector<int>{0, 1}));
}

// Pods of different sizes: the slot capacity is an upper bound, so the flow may overfill a node;
// binding refuses the overflow and later rounds re-place it. Never overcommitted, never more
// placed than the best fitting assignment, and in this seeded sample mostly as many.
TEST(BatchScheduler, NeverOvercommitsWithMixedRequestsAndRarelyPlacesFewerThanTheOptimum) {
  std::mt19937_64 rng(5);
  int optimal_count = 0;
  const int kInstances = 300;
  for (int instance = 0; instance < kInstances; ++instance) {
    const int num_nodes = 1 + static_cast<int>(rng() % 3);
    const int num_pods = 1 + static_cast<int>(rng() % 5);
    NodeTable t;
    for (int n = 0; n < num_nodes; ++n) {
      NodeSpec spec;
      spec.cpu_milli = 1000 * (1 + static_cast<std::int64_t>(rng() % 4));
      spec.memory_bytes = 8 * kGiB;
      t.add_node(spec);
    }
    std::vector<PodSpec> pods;
    for (int i = 0; i < num_pods; ++i) {
      pods.push_back(pod(250 * (1 + static_cast<std::int64_t>(rng() % 8)), kGiB));
    }
    // The most pods any assignment fits (cpu only binds here: 8 GiB hold all 5 pods).
    int best = 0;
    std::vector<std::int64_t> used(num_nodes, 0);
    auto recurse = [&](auto&& self, int i, int placed) -> void {
      if (i == num_pods) {
        best = std::max(best, placed);
        return;
      }
      self(self, i + 1, placed);
      for (int n = 0; n < num_nodes; ++n) {
        if (used[n] + pods[i].cpu_milli > t.alloc_cpu_[n]) continue;
        used[n] += pods[i].cpu_milli;
        self(self, i + 1, placed + 1);
        used[n] -= pods[i].cpu_milli;
      }
    };
    recurse(recurse, 0, 0);

    Framework framework(100);
    ASSERT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
    BatchScheduler batch(framework);
    const BatchScheduler::Result r = batch.schedule(t, pods);
    for (int n = 0; n < num_nodes; ++n) ASSERT_LE(t.req_cpu_[n], t.alloc_cpu_[n]);
    ASSERT_LE(r.placed, best) << "instance " << instance;
    optimal_count += r.placed == best;
  }
  // Observed with this seed: 286 of 300 reach the optimum count (bin packing is NP-hard; the
  // flow relaxation plus repair is a heuristic there).
  EXPECT_GE(optimal_count, 280);
  EXPECT_LT(optimal_count, kInstances);  // the sample does contain instances where it is not exact
}

// The same batch on equal clusters gives the same placements (the solver is deterministic).
TEST(BatchScheduler, IsDeterministic) {
  auto run = [] {
    std::mt19937_64 rng(3);
    NodeTable t;
    for (int n = 0; n < 50; ++n) {
      NodeSpec spec;
      spec.cpu_milli = 1000 * (1 + static_cast<std::int64_t>(rng() % 8));
      spec.memory_bytes = kGiB * (1 + static_cast<std::int64_t>(rng() % 16));
      t.add_node(spec);
    }
    std::vector<PodSpec> pods;
    for (int i = 0; i < 120; ++i) {
      pods.push_back(pod(100 * (1 + static_cast<std::int64_t>(rng() % 20)),
                         kGiB / 4 * (1 + static_cast<std::int64_t>(rng() % 8))));
    }
    Framework framework(100);
    add_default_plugins(framework);
    BatchScheduler batch(framework);
    return batch.schedule(t, pods).node;
  };
  const std::vector<int> a = run();
  EXPECT_EQ(a, run());
  EXPECT_GT(std::count_if(a.begin(), a.end(), [](int n) { return n >= 0; }), 100);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
