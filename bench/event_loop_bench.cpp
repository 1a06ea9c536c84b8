// The event loop under the hold model with 10^3 .. 10^6 pending events, for both event lists.
// Run: build/bench/event_loop_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include "sim/engine.h"
#include "sim/hold_model.h"

namespace {

using edgetwin::sim::Engine;
using edgetwin::sim::EventListKind;
using edgetwin::sim::HoldModel;

void hold(benchmark::State& state, EventListKind kind) {
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  Engine engine(1, kind);
  HoldModel model(1, edgetwin::sim::kMillisecond);
  model.start(engine, pending);
  engine.run_events(model, pending * 2);  // warm-up: every event moved at least once
  const std::uint64_t batch = 1'000'000;
  for (auto _ : state) engine.run_events(model, batch);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
}

void BM_HoldHeap(benchmark::State& state) { hold(state, EventListKind::kHeap); }
void BM_HoldLadder(benchmark::State& state) { hold(state, EventListKind::kLadder); }

BENCHMARK(BM_HoldHeap)->RangeMultiplier(10)->Range(1000, 1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HoldLadder)->RangeMultiplier(10)->Range(1000, 1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
