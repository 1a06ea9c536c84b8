// Placement throughput (issue 5, item 7): pods of generated deployments placed one after another
// onto a generated cluster (Google 2011 trace machine mix + 20 % edge devices), by
// IncrementalScheduler (exhaustive-equivalent) and by Framework scoring every node (100) or
// Kubernetes' adaptive sample (0). Generation is excluded from the manual time.
// Run: build/bench/placement_bench --benchmark_counters_tabular=true
// BM_Placement args: architecture (0 incremental, 1 framework exhaustive, 2 framework adaptive
// sample), nodes, scorers, pods. BM_IncrementalSteadyState: the incremental scheduler's cost per
// pod once every template's cache is built (arg: nodes; 10 scorers; one pod per iteration).
#include "scheduler_plugins/placement/placement_bench.h"

#include <benchmark/benchmark.h>

#include "scheduler_plugins/placement/cluster_gen.h"
#include "scheduler_plugins/placement/incremental_scheduler.h"

namespace {

using edgetwin::scheduler_plugins::placement::PlacementBenchConfig;
using edgetwin::scheduler_plugins::placement::run_placement_bench;

void BM_Placement(benchmark::State& state) {
  PlacementBenchConfig config;
  config.arch = state.range(0) == 0 ? "incremental" : "framework";
  config.sample_pct = state.range(0) == 2 ? 0 : 100;
  config.nodes = static_cast<int>(state.range(1));
  config.scorers = static_cast<int>(state.range(2));
  config.pods = static_cast<int>(state.range(3));
  double placements = 0;
  double unschedulable = 0;
  for (auto _ : state) {
    const auto r = run_placement_bench(config);
    state.SetIterationTime(r.wall_s);
    placements += config.pods;
    unschedulable = r.unschedulable;
  }
  state.counters["placements_per_s"] = benchmark::Counter(placements, benchmark::Counter::kIsRate);
  state.counters["unschedulable"] = unschedulable;
}

BENCHMARK(BM_Placement)
    ->ArgsProduct({{0}, {1'000, 5'000, 12'583}, {1, 10}, {20'000}})
    ->Args({1, 12'583, 10, 300})
    ->Args({2, 12'583, 10, 3'000})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_IncrementalSteadyState(benchmark::State& state) {
  namespace p = edgetwin::scheduler_plugins::placement;
  p::ClusterOptions cluster;
  cluster.nodes = static_cast<int>(state.range(0));
  cluster.edge_share = 0.2;
  p::NodeTable nodes;
  p::generate_cluster(cluster, nodes);
  p::WorkloadOptions workload;
  workload.pods = 20'000;
  const std::vector<p::PodSpec> templates = p::generate_pod_templates(workload);
  const std::vector<int> sequence = p::generate_pod_sequence(workload);
  p::IncrementalScheduler scheduler(nodes, p::benchmark_plugins(p::kBenchmarkScorers));
  for (const p::PodSpec& pod : templates) scheduler.add_template(pod);
  for (int t = 0; t < scheduler.templates(); ++t) scheduler.select(t);  // build every cache
  std::size_t next = 0;
  std::int64_t recomputed = scheduler.nodes_recomputed();
  for (auto _ : state) {
    benchmark::DoNotOptimize(scheduler.schedule(sequence[next]));
    next = (next + 1) % sequence.size();
  }
  recomputed = scheduler.nodes_recomputed() - recomputed;
  state.SetItemsProcessed(state.iterations());
  state.counters["nodes_recomputed_per_pod"] =
      static_cast<double>(recomputed) / static_cast<double>(state.iterations());
}

BENCHMARK(BM_IncrementalSteadyState)
    ->Arg(1'000)
    ->Arg(12'583)
    ->Iterations(15'000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
