// The rollout controller in simulated time (scheduler_plugins/rollout/controller.h) over a
// 10,000-device fleet: 100 sites, each behind a 50 Mbps backhaul from the cloud registry, devices
// on 10 Mbps LTE access links, a 50 MB firmware image, 2 % of attempts boot-looping and 0.5 %
// bricking, 5 % of devices offline for the first hour. Measures the whole run (network, controller
// and strategy). Run: build/bench/rollout_sim_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "scheduler_plugins/rollout/builtins.h"
#include "scheduler_plugins/rollout/controller.h"

namespace {

namespace ro = edgetwin::scheduler_plugins::rollout;
namespace sim = edgetwin::sim;
namespace net = edgetwin::network;

struct Config {
  const char* name;
  std::vector<std::pair<std::string, std::string>> params;
};

const Config kConfigs[] = {
    {"all-at-once", {}},
    {"rolling", {{"max_surge", "5%"}, {"max_unavailable", "5%"}}},
    {"canary", {{"step_weight", "10"}, {"max_weight", "50"}, {"max_failure_percent", "5"}}},
    {"exponential-waves",
     {{"base_rate_per_minute", "100"},
      {"increment_factor", "2"},
      {"rate_increase_count", "1000"},
      {"abort_failure_type", "ALL"},
      {"abort_threshold_percent", "10"},
      {"abort_min_executed", "100"}}},
};

void BM_RolloutSim(benchmark::State& state) {
  const Config& config = kConfigs[state.range(0)];
  const auto n = static_cast<std::uint32_t>(state.range(1));
  constexpr std::uint32_t kSites = 100;
  net::Topology topology;
  const net::NodeId cloud = topology.add_node("cloud");
  ro::ControllerOptions options;
  options.seed = 42;
  options.utc_offset_minutes.assign(kSites, 0);
  std::vector<net::NodeId> sites;
  for (std::uint32_t s = 0; s < kSites; ++s) {
    sites.push_back(topology.add_node("site-" + std::to_string(s)));
    options.watched_links.push_back(
        topology.add_link(cloud, sites.back(), 50e6, 50e6, 20 * sim::kMillisecond).first);
  }
  std::vector<ro::SimDevice> devices;
  std::vector<ro::OfflinePeriod> offline;
  for (std::uint32_t d = 0; d < n; ++d) {
    ro::SimDevice dev;
    dev.site = d % kSites;
    dev.node = topology.add_node("dev-" + std::to_string(d));
    dev.access_link =
        topology.add_link(dev.node, sites[dev.site], 10e6, 10e6, 30 * sim::kMillisecond).first;
    dev.type = "rpi4";
    dev.arch = "arm64";
    dev.installed = {{"firmware", "1.0"}};
    devices.push_back(std::move(dev));
    if (d % 20 == 7) offline.push_back({d, 0, sim::kHour});
  }
  ro::UpdateModel model;
  model.manifest.groups.push_back({"all", {}, {{"firmware", "2.0", {{"", 50'000'000}}}}});
  model.failures.fallback.boot_loop = 0.02;
  model.failures.fallback.bricked = 0.005;
  model.default_times.install_s = sim::Distribution::lognormal_mean_cv(90.0, 0.3);
  double events = 0;
  ro::RolloutMetrics last;
  for (auto _ : state) {
    ro::Params params;
    for (const auto& [k, v] : config.params) params.set(k, v);
    std::vector<std::string> errors;
    auto strategy = ro::make_strategy(config.name, params, errors);
    ro::RolloutSim simulation(topology, {}, model, devices, offline, options, *strategy);
    last = simulation.run(30 * sim::kDay);
    benchmark::DoNotOptimize(last.succeeded);
    ++events;
  }
  double peak = 0;
  for (const auto& l : last.links) peak = std::max(peak, l.peak_utilisation);
  state.SetLabel(config.name);
  state.counters["succeeded"] = last.succeeded;
  state.counters["t90_s"] = sim::to_seconds(last.time_to_90);
  state.counters["end_s"] = sim::to_seconds(last.end);
  state.counters["blast"] = last.blast_radius;
  state.counters["peak_util"] = peak;
  state.counters["avail"] = last.mean_availability;
  state.counters["devices/s"] =
      benchmark::Counter(static_cast<double>(n) * events, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_RolloutSim)
    ->ArgsProduct({{0, 1, 2, 3}, {10'000}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
