#include "scheduler_plugins/placement/placement_bench.h"

#include <time.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "scheduler_plugins/placement/architectures.h"
#include "scheduler_plugins/placement/cluster_gen.h"
#include "scheduler_plugins/placement/incremental_scheduler.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void hash_decision(std::uint64_t& hash, int node) {
  auto value = static_cast<std::uint32_t>(node);
  for (int i = 0; i < 4; ++i) {
    hash ^= (value >> (8 * i)) & 0xFFu;
    hash *= 1099511628211ULL;
  }
}

}  // namespace

PlacementBenchResult run_placement_bench(const PlacementBenchConfig& config) {
  const bool incremental = config.arch == "incremental";
  Architecture architecture = Architecture::kSequential;
  if (!incremental && config.arch != "framework" &&
      !(config.arch != "sequential" && parse_architecture(config.arch, &architecture))) {
    throw std::invalid_argument("--arch: unknown architecture '" + config.arch +
                                "'; valid: batch, framework, incremental, parallel");
  }
  if (config.threads < 1) throw std::invalid_argument("--threads: expected a positive count");
  if (config.batch_size < 1) throw std::invalid_argument("--flow-batch: expected a positive count");
  if (config.nodes < 1) throw std::invalid_argument("--nodes: expected a positive count");
  if (config.pods < 1) throw std::invalid_argument("--pods: expected a positive count");
  if (config.scorers < 1 || config.scorers > kMaxBenchmarkScorers) {
    throw std::invalid_argument("--scorers: expected 1.." + std::to_string(kMaxBenchmarkScorers) +
                                ", got " + std::to_string(config.scorers));
  }
  if (config.sample_pct < 0 || config.sample_pct > 100) {
    throw std::invalid_argument("--sample-pct: expected 0 (adaptive) to 100, got " +
                                std::to_string(config.sample_pct));
  }
  if (incremental && config.sample_pct != 100) {
    throw std::invalid_argument(
        "--sample-pct: the incremental architecture is exhaustive-equivalent (100) only; use "
        "--arch framework to sample");
  }
  const std::vector<PluginConfig> plugins = benchmark_plugins(config.scorers);
  ClusterOptions cluster;
  cluster.nodes = config.nodes;
  cluster.edge_share = config.edge_share;
  cluster.seed = config.seed;
  NodeTable nodes;
  generate_cluster(cluster, nodes);
  WorkloadOptions workload;
  workload.templates = config.templates;
  workload.pods = config.pods;
  workload.seed = config.seed;
  const std::vector<PodSpec> templates = generate_pod_templates(workload);
  const std::vector<int> sequence = generate_pod_sequence(workload);

  std::vector<PodSpec> pods;  // parallel and batch: the sequence as pods, filled before timing
  if (!incremental && architecture != Architecture::kSequential) {
    pods.reserve(sequence.size());
    for (int t : sequence) pods.push_back(templates[t]);
  }
  PlacementBenchResult r;
  r.decisions_hash = 14695981039346656037ULL;
  const double c0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  if (incremental) {
    IncrementalScheduler scheduler(nodes, plugins);
    for (const PodSpec& pod : templates) scheduler.add_template(pod);
    for (int t : sequence) {
      const int node = scheduler.schedule(t).node;
      ++(node >= 0 ? r.placed : r.unschedulable);
      hash_decision(r.decisions_hash, node);
    }
    r.nodes_recomputed = scheduler.nodes_recomputed();
    r.rebuilds = scheduler.rebuilds();
  } else if (architecture == Architecture::kSequential) {
    Framework framework(config.sample_pct);
    for (const PluginConfig& plugin : plugins) {
      framework.add_plugin(make_plugin(plugin), plugin.weight);
    }
    for (int t : sequence) {
      const int node = framework.schedule(nodes, templates[t]).node;
      ++(node >= 0 ? r.placed : r.unschedulable);
      hash_decision(r.decisions_hash, node);
    }
  } else {  // parallel or batch, over the same framework configuration
    Framework framework(config.sample_pct);
    for (const PluginConfig& plugin : plugins) {
      framework.add_plugin(make_plugin(plugin), plugin.weight);
    }
    const std::vector<int> placed =
        place_pods(architecture, framework, nodes, pods, {config.threads, config.batch_size});
    for (int node : placed) {
      ++(node >= 0 ? r.placed : r.unschedulable);
      hash_decision(r.decisions_hash, node);
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  r.cpu_s = cpu_seconds() - c0;
  r.wall_s = std::chrono::duration<double>(t1 - t0).count();
  const double decisions = static_cast<double>(sequence.size());
  r.placements_per_s = r.wall_s > 0.0 ? decisions / r.wall_s : 0.0;
  r.placements_per_cpu_s = r.cpu_s > 0.0 ? decisions / r.cpu_s : 0.0;
  return r;
}

}  // namespace edgetwin::scheduler_plugins::placement
