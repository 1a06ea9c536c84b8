// Flow churn on the 1,000-host, 20-site topology (issue 3): one change = one random flow removed
// and one started at the next instant, solved exactly (max-min) before the next change.
// Run: build/bench/network_bench --benchmark_counters_tabular=true
// Args: concurrent flows, percentage of new flows that stay inside their site.
#include <benchmark/benchmark.h>

#include "network/flow_churn.h"

namespace {

using edgetwin::network::FlowChurnConfig;
using edgetwin::network::run_flow_churn;

void BM_FlowChurn(benchmark::State& state) {
  FlowChurnConfig config;
  config.flows = static_cast<std::uint32_t>(state.range(0));
  config.local = static_cast<double>(state.range(1)) / 100.0;
  config.changes = 2'000;
  double changes = 0, component = 0, rerated = 0;
  for (auto _ : state) {
    const auto r = run_flow_churn(config);  // set-up is excluded from the manual time
    state.SetIterationTime(r.wall_s);
    changes += config.changes;
    component = r.mean_component_flows;
    rerated = r.changed_per_change;
  }
  state.counters["changes_per_s"] = benchmark::Counter(changes, benchmark::Counter::kIsRate);
  state.counters["component_flows"] = component;
  state.counters["rates_changed"] = rerated;
}

BENCHMARK(BM_FlowChurn)
    ->ArgsProduct({{1'000, 10'000}, {100, 90, 0}})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
