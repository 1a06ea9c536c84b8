// The placement throughput benchmark (issue 5, item 7): a generated cluster (cluster_gen.h), a
// generated deployment workload, and one scheduler that places the pods one after another onto
// the accumulating cluster. Shared by `edgetwin bench scheduler` and bench/placement_bench.
#pragma once

#include <cstdint>
#include <string>

namespace edgetwin::scheduler_plugins::placement {

struct PlacementBenchConfig {
  int nodes = 12583;
  double edge_share = 0.2;
  int scorers = 10;  // the first `scorers` of benchmark_plugins()
  int pods = 20000;
  int templates = 16;
  // "incremental": IncrementalScheduler; "framework": Framework(sample_pct); "parallel":
  // ParallelScheduler over it with `threads`; "batch": BatchScheduler over it, `batch_size` pods
  // per flow problem (architectures.h). Another architecture joins by adding its name and its
  // loop to run_placement_bench.
  std::string arch = "incremental";
  int sample_pct = 100;  // not incremental: percentage_of_nodes_to_score (0: adaptive)
  int threads = 1;       // parallel only
  int batch_size = 64;   // batch only
  std::uint64_t seed = 1;
};

struct PlacementBenchResult {
  double wall_s = 0.0;            // scheduling only (generation excluded), wall clock
  double cpu_s = 0.0;             // process CPU time of the same phase
  double placements_per_s = 0.0;  // scheduling decisions (placed or not) per wall second
  double placements_per_cpu_s = 0.0;
  int placed = 0;
  int unschedulable = 0;
  // FNV-1a over the chosen node indices (-1 for unschedulable), in pod order: equal across
  // architectures exactly when every decision is.
  std::uint64_t decisions_hash = 0;
  std::int64_t nodes_recomputed = 0;  // incremental only
  std::int64_t rebuilds = 0;          // incremental only
};

// Throws std::invalid_argument for an unknown arch (the message lists the valid ones), nodes < 1,
// pods < 1, scorers outside 1..20, sample_pct outside 0..100, incremental with sample_pct != 100
// (it is exhaustive-equivalent only), threads < 1 or batch_size < 1.
PlacementBenchResult run_placement_bench(const PlacementBenchConfig& config);

}  // namespace edgetwin::scheduler_plugins::placement
