// Placement throughput (issue 5, item 7): pods of generated deployments placed one after another
// onto a generated cluster (Google 2011 trace machine mix + 20 % edge devices), by
// IncrementalScheduler (exhaustive-equivalent) and by Framework scoring every node (100) or
// Kubernetes' adaptive sample (0). Generation is excluded from the manual time.
// Run: build/bench/placement_bench --benchmark_counters_tabular=true
// Args: architecture (0 incremental, 1 framework exhaustive, 2 framework adaptive sample),
// nodes, scorers, pods.
#include "scheduler_plugins/placement/placement_bench.h"

#include <benchmark/benchmark.h>

namespace {

using edgetwin::scheduler_plugins::placement::PlacementBenchConfig;
using edgetwin::scheduler_plugins::placement::run_placement_bench;

void BM_Placement(benchmark::State& state) {
  PlacementBenchConfig config;
  config.incremental = state.range(0) == 0;
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

}  // namespace

BENCHMARK_MAIN();
