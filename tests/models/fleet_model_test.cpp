#include "models/fleet_model.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sim/engine.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::models {
namespace {

// Site a: a nuc and two rpi4s; site b: a nuc. Per-site Poisson arrivals of `rate` per second, each
// needing 0.2 s of a reference core on average (3.4 s on an rpi4 core, 0.185 s on a nuc core).
FleetConfig two_site_config(Dispatch dispatch, double rate = 6.0) {
  FleetConfig c;
  c.seed = 11;
  c.duration = 600 * sim::kSecond;
  c.sample_interval = 60 * sim::kSecond;
  c.types = {*find_builtin_device_type("nuc"), *find_builtin_device_type("rpi4")};
  c.sites = {{"a", "edge"}, {"b", "edge"}};
  c.devices = {{"n1", 0, 0, {}}, {"p1", 1, 0, {}}, {"p2", 1, 0, {}}, {"n2", 0, 1, {}}};
  c.workloads = {{"w", {0, 1}, rate, sim::Distribution::exponential(0.2), dispatch}};
  return c;
}


using testing::run_fleet;
std::unique_ptr<FleetModel> run(const FleetConfig& config) { return run_fleet(config); }

TEST(FleetModel, EveryRequestIsServedFifoByADeviceOfItsSiteAtTheDeviceSpeed) {
  const FleetConfig config = two_site_config(Dispatch::kLeastLoaded);
  const auto model = run(config);
  const RequestRecords& r = model->requests();
  ASSERT_GT(r.size(), 5000u);
  EXPECT_EQ(model->latencies_ns().size(), r.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    ASSERT_LE(r.arrival_ns[i], r.start_ns[i]);
    ASSERT_LE(r.start_ns[i], r.end_ns[i]);
    ASSERT_EQ(config.devices[r.device[i]].site, r.site[i]);
    ASSERT_EQ(model->latencies_ns()[i], r.end_ns[i] - r.arrival_ns[i]);
  }
  // n2 is alone at site b: a 4-core FIFO queue, so requests start in arrival order and at most
  // 4 are in service at any instant.
  std::vector<std::pair<sim::Time, sim::Time>> b;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.device[i] == 3) b.push_back({r.arrival_ns[i], r.start_ns[i]});
  }
  std::sort(b.begin(), b.end());
  for (std::size_t i = 1; i < b.size(); ++i) ASSERT_LE(b[i - 1].second, b[i].second);
  // Busy core-seconds equal the sum of service times (closed at the end of the run).
  double served_s = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.device[i] == 3) served_s += sim::to_seconds(r.end_ns[i] - r.start_ns[i]);
  }
  const double in_flight_bound = 4 * 2.0;  // requests still in service at the end
  EXPECT_NEAR(model->device_stats().busy_core_seconds[3], served_s, in_flight_bound);
  EXPECT_EQ(model->completions(), r.size());
}

TEST(FleetModel, LeastLoadedDispatchPrefersTheFastIdleDeviceAtLowLoad) {
  // At site a, n1 (nuc, 4 fast cores) and two rpi4s: least-loaded per core, ties to the lower index,
  // sends most requests to n1 because it empties fastest.
  const auto model = run(two_site_config(Dispatch::kLeastLoaded));
  const auto& served = model->device_stats().served;
  EXPECT_GT(served[0], 3 * (served[1] + served[2]));
}

TEST(FleetModel, RoundRobinDispatchDealsArrivalsToTheSiteDevicesInTurn) {
  // At 0.5 requests/s nothing is left in flight for long, so nearly every arrival completes.
  const auto model = run(two_site_config(Dispatch::kRoundRobin, 0.5));
  const RequestRecords& r = model->requests();
  std::vector<std::pair<sim::Time, std::uint32_t>> at_a;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.site[i] == 0) at_a.push_back({r.arrival_ns[i], r.device[i]});
  }
  std::sort(at_a.begin(), at_a.end());
  ASSERT_GT(at_a.size(), 250u);
  for (std::size_t i = 0; i + 10 < at_a.size(); ++i) ASSERT_EQ(at_a[i].second, i % 3) << i;
}

TEST(FleetModel, SameSeedGivesIdenticalRecordsAndOtherPoliciesSeeTheSameArrivals) {
  const auto a = run(two_site_config(Dispatch::kRandom, 0.5));
  const auto b = run(two_site_config(Dispatch::kRandom, 0.5));
  EXPECT_EQ(a->requests().end_ns, b->requests().end_ns);
  EXPECT_EQ(a->requests().device, b->requests().device);
  EXPECT_EQ(a->timeseries()[0].value, b->timeseries()[0].value);
  // Common random numbers: another dispatch policy is offered exactly the same arrivals.
  const auto c = run(two_site_config(Dispatch::kRoundRobin, 0.5));
  auto arrivals = [](const FleetModel& m) {
    auto v = m.requests().arrival_ns;
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(a->arrivals(), c->arrivals());
  const auto aa = arrivals(*a), ca = arrivals(*c);
  const std::size_t n = std::min(aa.size(), ca.size()) - 10;  // all but the last few in flight
  EXPECT_TRUE(std::equal(aa.begin(), aa.begin() + static_cast<std::ptrdiff_t>(n), ca.begin()));
}

TEST(FleetModel, SamplesEveryIntervalIncludingTimeZeroAndTheEnd) {
  const auto model = run(two_site_config(Dispatch::kLeastLoaded));
  for (const TimeSeries& s : model->timeseries()) {
    ASSERT_EQ(s.time_ns.size(), 11u) << s.name;  // 0, 60, ..., 600 s
    EXPECT_EQ(s.time_ns.front(), 0);
    EXPECT_EQ(s.time_ns.back(), 600 * sim::kSecond);
  }
  EXPECT_EQ(model->timeseries()[3].value.front(), 0.0);  // nothing completed at t = 0
}

TEST(FleetModel, RefusesAWorkloadAtASiteWithoutDevices) {
  FleetConfig c = two_site_config(Dispatch::kRandom);
  c.sites.push_back({"empty", "edge"});
  c.workloads[0].sites.push_back(2);
  EXPECT_THROW(FleetModel{c}, std::invalid_argument);
}

}  // namespace
}  // namespace edgetwin::models

namespace edgetwin::models {
namespace {

TEST(FleetModel, EnergyIsIdlePowerPlusUtilisationProportionalPowerIntegratedExactly) {
  // One nuc (4 cores, idle 10 W, max 65 W, core_speed 0.170 / 0.157) serving constant arrivals
  // at 1/s (t = 1, 2, ..., 100 s) that need 0.5 s of a reference core: 0.5 / core_speed =
  // 0.461765 s each, one core at a time. By hand, over T = 100 s:
  //   busy core-seconds = 99 full services (the 100th starts at the end) = 99 * s,
  //   energy = 10 W * 100 s + (65 - 10) W / 4 cores * busy core-seconds.
  FleetConfig c;
  c.duration = 100 * sim::kSecond;
  c.sample_interval = 0;
  c.types = {*find_builtin_device_type("nuc")};
  c.sites = {{"s", "edge"}};
  c.devices = {{"n", 0, 0, {}}};
  WorkloadConfig w{"w", {0}, 1.0, sim::Distribution::constant(0.5), Dispatch::kRandom};
  w.arrivals.kind = ArrivalProcess::Kind::kConstant;
  c.workloads = {w};
  const auto model = run(c);
  const double service = sim::to_seconds(sim::from_seconds(0.5 / (0.170 / 0.157)));
  EXPECT_NEAR(model->device_stats().busy_core_seconds[0], 99 * service, 1e-9);
  EXPECT_NEAR(model->device_stats().energy_j[0], 10.0 * 100.0 + 55.0 / 4.0 * 99 * service, 1e-6);
}

}  // namespace
}  // namespace edgetwin::models
