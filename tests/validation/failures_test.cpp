// Device failure processes against closed forms: Weibull time to failure, and the alternating
// renewal (two-state Markov) process of exponential up and repair times.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "models/network_activity.h"
#include "sim/engine.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::models {
namespace {

using sim::kHour;

// `n` one-core boards at one site, each its own failure process; no workload.
FleetConfig crashing_fleet(std::uint32_t n, sim::Time duration, sim::Distribution up,
                           sim::Distribution down) {
  FleetConfig c;
  c.seed = 2024;
  c.duration = duration;
  c.sample_interval = 0;
  DeviceType t;
  t.name = "board";
  c.types = {t};
  c.sites = {{"s", "edge"}};
  DeviceFailureConfig f;
  f.name = "crash";
  f.random = true;
  f.mtbf_s = up;
  f.mttr_s = down;
  f.group_begin = {0};
  for (std::uint32_t d = 0; d < n; ++d) {
    c.devices.push_back({"d" + std::to_string(d), 0, 0, {}});
    f.devices.push_back(d);
    f.group_begin.push_back(d + 1);
  }
  c.lifecycle.failures = {f};
  return c;
}

std::unique_ptr<Twin> run(const FleetConfig& c) { return testing::run_twin(c); }

TEST(Failures, FractionFailedByTIsTheWeibullDistributionFunction) {
  // 1,000 devices up for Weibull(k = 1.5, lambda = 10 h), repairs longer than the run: each has
  // failed by T = 5 h with p = F(T) = 1 - exp(-(T / lambda)^k) = 1 - exp(-0.5^1.5) = 0.29781,
  // independently, so the count is Binomial(1000, p): mean 297.8, s.d. sqrt(1000 p (1 - p)) =
  // 14.46. Tolerance 4 s.d. = 57.8.
  const FleetConfig c = crashing_fleet(1000, 5 * kHour, sim::Distribution::weibull(1.5, 36000.0),
                                       sim::Distribution::constant(1e7));
  const auto twin = run(c);
  const double p = 1.0 - std::exp(-std::pow(0.5, 1.5));
  const double sd = std::sqrt(1000 * p * (1 - p));
  const FailureRecords& r = twin->lifecycle()->failures();
  EXPECT_NEAR(static_cast<double>(r.size()), 1000 * p, 4 * sd);
  EXPECT_EQ(std::set<std::uint32_t>(r.device.begin(), r.device.end()).size(), r.size());
  // Weibull with k = 1 is the exponential: p = 1 - exp(-0.5) = 0.39347, s.d. 15.45.
  const auto exp_twin = run(crashing_fleet(1000, 5 * kHour, sim::Distribution::weibull(1.0, 36000.0),
                                           sim::Distribution::constant(1e7)));
  EXPECT_NEAR(static_cast<double>(exp_twin->lifecycle()->failures().size()),
              1000 * (1 - std::exp(-0.5)), 4 * std::sqrt(1000 * 0.39347 * 0.60653));
}

TEST(Failures, ExponentialCrashAndRepairMatchTheTwoStateMarkovChain) {
  // Up ~ Exp(mean 10 h), repair ~ Exp(mean 2 h), 1,000 devices for T = 600 h, each starting up.
  // Failures of one device form a delayed renewal process (first gap U, then D + U: mean
  // mu = 12 h, variance 100 + 4 = 104 h^2), so E N(T) = T / mu + E[X^2] / (2 mu^2) - E U / mu
  // = 50 + 248 / 288 - 10 / 12 = 50.028, Var N(T) = T sigma^2 / mu^3 = 36.1: over 1,000
  // devices 50,028 +- 4 * sqrt(36,100) = 760.
  // Time up: a two-state Markov chain (fail rate a = 0.1/h, repair rate b = 0.5/h) from up has
  // P(up at t) = A + (1 - A) e^{-(a + b) t}, A = b / (a + b) = 5/6, so E up time = A T +
  // (1 - A) / (a + b) = 500.278 h, with variance 2 A (1 - A) T / (a + b) = 277.8 h^2 per device:
  // the mean over 1,000 devices has s.d. 0.527 h; tolerance 4 s.d. = 2.11 h.
  const sim::Time t = 600 * kHour;
  const auto twin = run(crashing_fleet(1000, t, sim::Distribution::exponential(36000.0),
                                       sim::Distribution::exponential(7200.0)));
  EXPECT_NEAR(static_cast<double>(twin->lifecycle()->failures().size()), 50028.0, 760.0);
  double up_h = 0.0;
  for (sim::Time ns : twin->lifecycle()->online_ns()) up_h += sim::to_seconds(ns) / 3600.0;
  EXPECT_NEAR(up_h / 1000.0, 500.278, 2.11);
  EXPECT_NEAR(twin->lifecycle()->state_seconds(0, DeviceState::kOnline) / 3600.0, up_h, 1e-6);
}

}  // namespace
}  // namespace edgetwin::models
