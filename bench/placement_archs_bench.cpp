// The placement architectures on one random catalog cluster with kube-scheduler's default
// plug-ins, exhaustive scoring (issue 5, item 4): the sequential framework, the parallel (TBB)
// scheduler at 1 and 2 threads, and the batch min-cost-flow scheduler.
// Run: build/bench/placement_archs_bench --benchmark_counters_tabular=true
// Sequential and parallel: one cycle (select, nothing bound) per pod; batch: a batch of B pods
// placed and bound on a fresh copy of the cluster (the copy is not timed). Rates are per
// wall-clock second (UseRealTime: the parallel cases run on more than the main thread).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <random>

#include "models/device_catalog.h"
#include "scheduler_plugins/placement/batch_scheduler.h"
#include "scheduler_plugins/placement/parallel_scheduler.h"
#include "scheduler_plugins/placement/plugins.h"

namespace {

using namespace edgetwin::scheduler_plugins::placement;
constexpr std::int64_t kMiB = 1024LL * 1024;

NodeTable cluster(int nodes) {
  std::mt19937_64 rng(1);
  const auto& types = edgetwin::models::builtin_device_types();
  NodeTable t;
  for (int i = 0; i < nodes; ++i) {
    NodeSpec spec = node_from_device_type(types[rng() % types.size()], "n" + std::to_string(i),
                                          "site" + std::to_string(rng() % 50),
                                          "zone" + std::to_string(rng() % 4));
    if (rng() % 5 == 0) spec.taints.push_back({"flaky", "", TaintEffect::kPreferNoSchedule});
    if (rng() % 4 == 0) spec.images.push_back("infer");
    t.add_node(spec);
  }
  t.set_image_size("infer", 400 * kMiB);
  return t;
}

std::vector<PodSpec> pods(int count) {
  std::mt19937_64 rng(2);
  std::vector<PodSpec> out(static_cast<std::size_t>(count));
  for (PodSpec& p : out) {
    p.cpu_milli = 100 + static_cast<std::int64_t>(rng() % 4) * 100;
    p.memory_bytes = (64 + static_cast<std::int64_t>(rng() % 4) * 64) * kMiB;
    p.image = "infer";
    p.preferred_node_affinity = {
        {50, {{{"accelerator", NodeSelectorRequirement::Op::kIn, {"gpu"}}}}}};
  }
  return out;
}

void BM_Sequential(benchmark::State& state) {
  const NodeTable t = cluster(static_cast<int>(state.range(0)));
  const std::vector<PodSpec> batch = pods(64);
  Framework f(100);
  add_default_plugins(f);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.select(t, batch[i++ % batch.size()]).node);
  state.counters["placements_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Parallel(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(1));
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  const NodeTable t = cluster(static_cast<int>(state.range(0)));
  const std::vector<PodSpec> batch = pods(64);
  Framework f(100);
  add_default_plugins(f);
  ParallelScheduler p(f, threads);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(p.select(t, batch[i++ % batch.size()]).node);
  state.counters["placements_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Batch(benchmark::State& state) {
  const NodeTable base = cluster(static_cast<int>(state.range(0)));
  const std::vector<PodSpec> batch = pods(static_cast<int>(state.range(1)));
  Framework f(100);
  add_default_plugins(f);
  BatchScheduler scheduler(f);
  int placed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    NodeTable t = base;
    state.ResumeTiming();
    placed = scheduler.schedule(t, batch).placed;
  }
  state.counters["placed"] = placed;
  state.counters["placements_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(batch.size()),
      benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Sequential)->Arg(1'000)->Arg(5'000)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Parallel)
    ->ArgsProduct({{1'000, 5'000}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Batch)
    ->ArgsProduct({{1'000, 5'000}, {16, 64}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
