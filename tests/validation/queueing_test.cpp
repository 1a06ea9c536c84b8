// Validation of the fleet model against queueing theory. Each test states the closed form, its
// derivation and the tolerance right above the assertion (STYLE.md habit 11).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/fleet_model.h"
#include "sim/engine.h"

namespace edgetwin::models {
namespace {

// One site; `devices` identical devices of `cores` cores at reference speed; Poisson arrivals of
// rate lambda (per site); service times from `service` (seconds).
FleetConfig queue_config(int devices, int cores, double lambda, sim::Distribution service,
                         Dispatch dispatch, std::uint64_t requests, std::uint64_t seed = 2026) {
  FleetConfig c;
  c.seed = seed;
  c.duration = 1000 * sim::kDay;  // the request count ends the run
  c.warmup = 2000 * sim::kSecond;
  c.max_requests = requests;
  c.sample_interval = 0;
  c.record_requests = false;
  DeviceType server;
  server.name = "server-core";
  server.cores = cores;
  server.arch = "x86_64";
  c.types.push_back(server);
  c.sites.push_back({"site", "edge"});
  for (int i = 0; i < devices; ++i) c.devices.push_back({"d" + std::to_string(i), 0, 0, {}});
  c.workloads.push_back({"w", {0}, lambda, service, dispatch});
  return c;
}

struct Result {
  double mean_s;
  double p95_s;
  std::uint64_t n;
};

Result run(const FleetConfig& config) {
  FleetModel model(config);
  sim::Engine engine(model.lp_count());
  model.start(engine);
  engine.run(model, config.duration);
  model.finish(engine.now());
  std::vector<sim::Time> lat = model.latencies_ns();
  const double sum = std::accumulate(lat.begin(), lat.end(), 0.0,
                                     [](double s, sim::Time t) { return s + sim::to_seconds(t); });
  const std::size_t k = static_cast<std::size_t>(std::ceil(0.95 * double(lat.size()))) - 1;
  std::nth_element(lat.begin(), lat.begin() + static_cast<std::ptrdiff_t>(k), lat.end());
  return {sum / double(lat.size()), sim::to_seconds(lat[k]), lat.size()};
}

// Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = lambda/mu.
double erlang_c(int c, double a) {
  double term = 1.0, sum = 0.0;  // term = a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double tail = term * c / (c - a);  // a^c / c! * c / (c - a)
  return tail / (sum + tail);
}

TEST(Validation, MM1MeanAndTailResponseTimeMatchTheClosedForm) {
  // M/M/1, lambda = 6/s, mu = 10/s (rho = 0.6). Sojourn time T ~ Exp(mu - lambda), so
  //   E[T] = 1 / (mu - lambda) = 0.25 s,   p95(T) = ln(20) / (mu - lambda) = 0.749 s.
  // Tolerance: over 10^6 requests the relative error of the mean had a standard deviation of
  // 0.33 % across seeds 1..20 (max 0.77 %), of the p95 0.45 % (max 1.2 %): 2 % and 3 % are
  // 6-sigma bounds, tight enough to catch any modelling error of a few percent.
  const Result r = run(queue_config(1, 1, 6.0, sim::Distribution::exponential(0.1),
                                    Dispatch::kLeastLoaded, 1'000'000));
  ASSERT_EQ(r.n, 1'000'000u);
  EXPECT_NEAR(r.mean_s, 0.25, 0.02 * 0.25);
  EXPECT_NEAR(r.p95_s, std::log(20.0) / 4.0, 0.03 * std::log(20.0) / 4.0);
}

TEST(Validation, MMcMeanResponseTimeMatchesErlangC) {
  // M/M/4: one device with 4 cores, mu = 10/s per core, lambda = 30/s (a = 3, rho = 0.75).
  //   E[T] = 1/mu + C(4, 3) / (c mu - lambda),  C(4, 3) = 13.5 / 26.5 = 0.5094  =>  E[T] = 0.1509 s.
  // Tolerance 2 %: the error across seeds 1..20 had a standard deviation of 0.30 % (max 0.67 %).
  const double expected = 0.1 + erlang_c(4, 3.0) / (40.0 - 30.0);
  EXPECT_NEAR(erlang_c(4, 3.0), 13.5 / 26.5, 1e-12);
  const Result r = run(queue_config(1, 4, 30.0, sim::Distribution::exponential(0.1),
                                    Dispatch::kLeastLoaded, 1'000'000));
  EXPECT_NEAR(r.mean_s, expected, 0.02 * expected);
}

TEST(Validation, MD1MeanResponseTimeMatchesPollaczekKhinchine) {
  // M/D/1 with a constant 100 ms service, lambda = 7/s (rho = 0.7). Pollaczek-Khinchine:
  //   E[W] = rho * E[S] / (2 (1 - rho)) for deterministic S  =>  E[T] = 0.1 + 0.1167 = 0.2167 s.
  // Tolerance 2 %: the error across seeds 1..20 had a standard deviation of 0.28 % (max 0.57 %).
  const double expected = 0.1 + 0.7 * 0.1 / (2.0 * 0.3);
  const Result r = run(queue_config(1, 1, 7.0, sim::Distribution::constant(0.1),
                                    Dispatch::kLeastLoaded, 1'000'000));
  EXPECT_NEAR(r.mean_s, expected, 0.02 * expected);
}

TEST(Validation, RandomDispatchSplitsPoissonArrivalsIntoIndependentMM1Queues) {
  // Random splitting of a Poisson(lambda) stream over n devices gives n independent Poisson
  // streams of rate lambda / n: 5 single-core devices, lambda = 25/s, mu = 10/s: each an M/M/1 at
  // rho = 0.5, E[T] = 1 / (10 - 5) = 0.2 s. Tolerance 2 % (seeds 1..20: sd 0.22 %, max 0.47 %).
  const Result r = run(queue_config(5, 1, 25.0, sim::Distribution::exponential(0.1),
                                    Dispatch::kRandom, 1'000'000));
  EXPECT_NEAR(r.mean_s, 0.2, 0.02 * 0.2);
}

TEST(Validation, LeastLoadedDispatchBeatsRandomDispatch) {
  // Join-the-shortest-queue has no simple closed form, but it is bounded by the random split
  // (0.2 s, above) and the pooled M/M/5 (E[T] = 0.1 + C(5, 2.5) / 25 = 0.1130 s).
  const Result r = run(queue_config(5, 1, 25.0, sim::Distribution::exponential(0.1),
                                    Dispatch::kLeastLoaded, 400'000));
  const double pooled = 0.1 + erlang_c(5, 2.5) / (50.0 - 25.0);
  EXPECT_GT(r.mean_s, pooled);
  EXPECT_LT(r.mean_s, 0.2 * 0.8);
}

}  // namespace
}  // namespace edgetwin::models
