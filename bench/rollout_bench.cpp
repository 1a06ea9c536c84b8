// Rollout strategies played by the reference driver (scheduler_plugins/rollout/driver.h) over a
// scripted fleet: 1,000 sites, downloads 1-5 min and installs 1-3 min (plus up to 1 s) varying by
// target, 1 % of attempts failing. Measures the whole decide/apply loop, strategy and driver
// together. Run: build/bench/rollout_bench --benchmark_counters_tabular=true Arg: targets.
#include <benchmark/benchmark.h>

#include <chrono>

#include "scheduler_plugins/rollout/builtins.h"
#include "scheduler_plugins/rollout/driver.h"

namespace {

namespace ro = edgetwin::scheduler_plugins::rollout;
namespace sim = edgetwin::sim;

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
      {"in_progress_timeout", "30m"},
      {"abort_failure_type", "ALL"},
      {"abort_threshold_percent", "10"},
      {"abort_min_executed", "100"}}},
    {"blue-green", {}},
    {"maintenance-window", {{"window_start", "1h"}, {"window_end", "5h"}}},
    {"bandwidth-waves", {{"max_downloads_per_group", "4"}}},
    {"gated-waves", {{"groups", "10"}, {"success_threshold_percent", "90"}}},
};

void BM_Play(benchmark::State& state) {
  const Config& config = kConfigs[state.range(0)];
  const auto n = static_cast<std::uint32_t>(state.range(1));
  ro::RolloutPlan plan;
  for (std::uint32_t t = 0; t < n; ++t) plan.site.push_back(t % 1000);
  for (int s = 0; s < 1000; ++s) plan.utc_offset_minutes.push_back((s % 24 - 11) * 60);
  const ro::FleetScript script = [](std::uint32_t t, std::uint32_t attempt) {
    const std::uint32_t h = (t * 2654435761u) ^ (attempt * 40503u);
    // Distinct instants (as in a simulation): a jitter of up to 1 s on each phase.
    return ro::AttemptScript{
        (1 + h % 5) * sim::kMinute + h % 1'000'003 * sim::kMicrosecond,
        (1 + (h >> 8) % 3) * sim::kMinute + (h >> 4) % 999'983 * sim::kMicrosecond,
        (h >> 16) % 100 == 0 ? ro::TargetState::kFailed : ro::TargetState::kSucceeded};
  };
  double targets = 0, changes = 0;
  for (auto _ : state) {
    ro::Params params;
    for (const auto& [k, v] : config.params) params.set(k, v);
    std::vector<std::string> errors;
    auto strategy = ro::make_strategy(config.name, params, errors);
    const auto start = std::chrono::steady_clock::now();
    const auto r = ro::play(*strategy, plan, script);
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    targets += n;
    changes += static_cast<double>(r.changes.size());
  }
  state.SetLabel(config.name);
  state.counters["targets_per_s"] = benchmark::Counter(targets, benchmark::Counter::kIsRate);
  state.counters["changes_per_s"] = benchmark::Counter(changes, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Play)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5, 6, 7}, {100'000}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
