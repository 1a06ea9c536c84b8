// Energy, batteries, lifecycle states and device failures, against hand computations.
#include "models/lifecycle.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "models/energy.h"
#include "models/network_activity.h"
#include "sim/engine.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::models {
namespace {

using sim::kHour;
using sim::kSecond;

// A board of 2 cores at reference speed: idle 2 W, 6 W with both cores busy, and 5 W more per
// busy accelerator.
DeviceType board() {
  DeviceType t;
  t.name = "board";
  t.cores = 2;
  t.core_speed = 1.0;
  t.idle_power_w = 2.0;
  t.max_power_w = 6.0;
  t.accelerator_power_w = 5.0;
  return t;
}

// `per_site` boards at each of `sites` sites, no workload.
FleetConfig fleet(int sites, int per_site, sim::Time duration) {
  FleetConfig c;
  c.seed = 3;
  c.duration = duration;
  c.sample_interval = 0;
  c.types = {board()};
  for (int s = 0; s < sites; ++s) {
    c.sites.push_back({"s" + std::to_string(s), "edge"});
    for (int k = 0; k < per_site; ++k) {
      c.devices.push_back({"d" + std::to_string(s) + "-" + std::to_string(k), 0,
                           static_cast<std::uint32_t>(s), {}});
    }
  }
  return c;
}

// Constant arrivals at site 0, one every `gap`, each needing `service` of a reference core.
void add_constant_work(FleetConfig& c, double gap_s, double service_s,
                       Dispatch dispatch = Dispatch::kRoundRobin) {
  WorkloadConfig w{"w", {0}, 1.0 / gap_s, sim::Distribution::constant(service_s), dispatch};
  w.arrivals.kind = ArrivalProcess::Kind::kConstant;
  c.workloads = {w};
}

// A failure process with one group per listed device (or one group of all when `together`).
DeviceFailureConfig failure(FailureCause cause, std::vector<std::uint32_t> devices,
                            bool together) {
  DeviceFailureConfig f;
  f.name = failure_cause_name(cause);
  f.cause = cause;
  f.devices = std::move(devices);
  f.group_begin = {0};
  if (together) {
    f.group_begin.push_back(static_cast<std::uint32_t>(f.devices.size()));
  } else {
    for (std::uint32_t k = 1; k <= f.devices.size(); ++k) f.group_begin.push_back(k);
  }
  return f;
}

std::unique_ptr<Twin> run(const FleetConfig& config) { return testing::run_twin(config); }

TEST(Energy, IdlePlusDynamicPlusAcceleratorPowerIntegratesExactly) {
  // Energy on its own: idle 2 W throughout 100 s; from 10 s to 20 s one core (+2 W) and one
  // accelerator (+5 W) busy: 2 * 100 + (2 + 5) * 10 = 270 J.
  const FleetConfig c = fleet(1, 1, 100 * kSecond);
  Energy e(c);
  e.load_changed(0, 1, 1, 10 * kSecond, nullptr);
  EXPECT_DOUBLE_EQ(e.power_w(0), 9.0);
  e.load_changed(0, 0, 0, 20 * kSecond, nullptr);
  e.finish(100 * kSecond);
  EXPECT_NEAR(e.energy_j()[0], 270.0, 1e-9);
}

TEST(Energy, FleetModelReportsEveryLoadChange) {
  // One board, a request every 10 s (t = 10, 20, ..., 100) needing 4 s of one core: busy one
  // core over [10k, 10k + 4] for k = 1..9 (the 10th starts at the end). By hand:
  //   E = 2 W * 100 s + (6 - 2) / 2 W per core * 9 * 4 core-s = 200 + 72 = 272 J.
  FleetConfig c = fleet(1, 1, 100 * kSecond);
  add_constant_work(c, 10.0, 4.0);
  const auto twin = run(c);
  EXPECT_NEAR(twin->fleet().device_stats().energy_j[0], 272.0, 1e-9);
}

TEST(Energy, ADeviceThatIsDownDrawsNothing) {
  // Failed from 30 s to 50 s of 100 s, idle otherwise: 2 W * 80 s = 160 J; the other device of
  // the site, never down, 200 J.
  FleetConfig c = fleet(1, 2, 100 * kSecond);
  DeviceFailureConfig f = failure(FailureCause::kCrash, {0}, false);
  f.windows = {{30 * kSecond, 50 * kSecond}};
  c.lifecycle.failures = {f};
  const auto twin = run(c);
  EXPECT_NEAR(twin->fleet().device_stats().energy_j[0], 160.0, 1e-9);
  EXPECT_NEAR(twin->fleet().device_stats().energy_j[1], 200.0, 1e-9);
  EXPECT_NEAR(sim::to_seconds(twin->lifecycle()->online_ns()[0]), 80.0, 1e-12);
}

BatteryConfig battery(double wh, double initial) {
  BatteryConfig b;
  b.capacity_wh = wh;
  b.initial_fraction = initial;
  return b;
}

TEST(Battery, RunsEmptyAtTheExactInstantAndStaysOffWithoutCharge) {
  // 0.01 Wh = 36 J at 2 W idle: empty at 18 s; then offline, drawing nothing: 36 J in all.
  FleetConfig c = fleet(1, 1, 60 * kSecond);
  c.lifecycle.batteries = {battery(0.01, 1.0)};
  c.lifecycle.battery_of = {0};
  const auto twin = run(c);
  const FailureRecords& r = twin->lifecycle()->failures();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.down_ns[0], 18 * kSecond);
  EXPECT_EQ(r.up_ns[0], 60 * kSecond);  // still down at the end
  EXPECT_EQ(r.cause[0], static_cast<std::uint8_t>(FailureCause::kBattery));
  EXPECT_EQ(twin->lifecycle()->state(0), DeviceState::kOffline);
  EXPECT_NEAR(twin->fleet().device_stats().energy_j[0], 36.0, 1e-9);
  EXPECT_EQ(twin->lifecycle()->battery_shutdowns(), 1u);
}

TEST(Battery, SolarProfileRechargesAndTheDeviceComesBackAtTheRestartCharge) {
  // 1 Wh = 3600 J, half full, 2 W idle; sun only in hour 1 (6 W). By hand:
  //   empty at 1800 / 2 = 900 s; off (0 W) until the sun at 3600 s; restart at 20 % = 720 J
  //   after 720 / 6 = 120 s: 3720 s; then +4 W net: full (3600 J) at 3720 + 2880 / 4 = 4440 s;
  //   sun ends at 7200 s, full: empty again at 7200 + 3600 / 2 = 9000 s.
  //   Energy: 2 W * (900 + (9000 - 3720)) s = 12,360 J.
  FleetConfig c = fleet(1, 1, 3 * kHour);
  BatteryConfig b = battery(1.0, 0.5);
  b.solar_w.assign(24, 0.0);
  b.solar_w[1] = 6.0;
  c.lifecycle.batteries = {b};
  c.lifecycle.battery_of = {0};
  const auto twin = run(c);
  const FailureRecords& r = twin->lifecycle()->failures();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.down_ns[0], 900 * kSecond);
  EXPECT_EQ(r.up_ns[0], 3720 * kSecond);
  EXPECT_EQ(r.down_ns[1], 9000 * kSecond);
  EXPECT_NEAR(twin->fleet().device_stats().energy_j[0], 12360.0, 1e-6);
}

TEST(Battery, NightlyPlugInWindowPastMidnight) {
  // 10 Wh = 36,000 J at 10 %, 2 W idle, plugged in from 22:00 to 02:00 at 10 W. By hand:
  //   plugged from 0 s: +8 W, full at 3600 + 8 t = 36,000 -> t = 4050 s; unplugged at 7200 s,
  //   full: empty at 7200 + 18,000 = 25,200 s; off until 22:00 (79,200 s), charging 10 W to
  //   20 % = 7200 J: 720 s -> back at 79,920 s. Energy: 2 W * (25,200 + 86,400 - 79,920) s.
  FleetConfig c = fleet(1, 1, 24 * kHour);
  BatteryConfig b = battery(10.0, 0.1);
  b.plug_start = 22 * kHour;
  b.plug_end = 2 * kHour;
  b.plug_w = 10.0;
  c.lifecycle.batteries = {b};
  c.lifecycle.battery_of = {0};
  const auto twin = run(c);
  const FailureRecords& r = twin->lifecycle()->failures();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.down_ns[0], 25200 * kSecond);
  EXPECT_EQ(r.up_ns[0], 79920 * kSecond);
  EXPECT_NEAR(twin->fleet().device_stats().energy_j[0], 2.0 * (25200 + 86400 - 79920), 1e-6);
  EXPECT_EQ(twin->lifecycle()->state(0), DeviceState::kOnline);
}

TEST(Battery, LoadShortensTheTimeToEmpty) {
  // 0.01 Wh = 36 J; a request every 5 s needing 20 s of one core. 2 W over [0, 5) s (10 J), 4 W
  // over [5, 10) s with one core busy (20 J), then 6 W with both: the remaining 6 J last 1 s.
  // Empty at 11 s: both running requests are lost, and the 10 arriving at 15, 20, ..., 60 s
  // find no device.
  FleetConfig c = fleet(1, 1, 60 * kSecond);
  add_constant_work(c, 5.0, 20.0);
  c.duration = 60 * kSecond;
  c.lifecycle.batteries = {battery(0.01, 1.0)};
  c.lifecycle.battery_of = {0};
  const auto twin = run(c);
  const FailureRecords& r = twin->lifecycle()->failures();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.down_ns[0], 11 * kSecond);
  EXPECT_EQ(twin->fleet().lost(), 2u);
  EXPECT_EQ(twin->fleet().rejected(), 10u);
}

TEST(Battery, FluctuatingLoadStillEmptiesAtTheExactInstant) {
  // 36 J; a request every second from 1 s needing 0.5 s of one core: 2 W over [0, 1) s, then
  // each second 0.5 s at 4 W and 0.5 s at 2 W (3 J). At 12 s 36 - 2 - 11 * 3 = 1 J is left and a
  // request starts (4 W): empty at 12.25 s. The load changes 22 times before; each increase
  // moves only a guard (the instant the charge would run out at 6 W), never past the crossing.
  FleetConfig c = fleet(1, 1, 30 * kSecond);
  add_constant_work(c, 1.0, 0.5);
  c.lifecycle.batteries = {battery(0.01, 1.0)};
  c.lifecycle.battery_of = {0};
  const auto twin = run(c);
  const FailureRecords& r = twin->lifecycle()->failures();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.down_ns[0], 12250 * sim::kMillisecond);
  EXPECT_EQ(twin->fleet().completions(), 11u);
  EXPECT_EQ(twin->fleet().lost(), 1u);
  EXPECT_NEAR(twin->fleet().device_stats().energy_j[0], 36.0, 1e-9);
}

TEST(Failures, SitePowerLossTakesEveryDeviceOfTheSiteDownAndBackTogether) {
  // Site 0's power is off over [10 s, 20 s): its 3 devices are failed then, unreachable (access
  // links held down), and back at 20 s; site 1's are untouched.
  FleetConfig c = fleet(2, 3, 30 * kSecond);
  c.network.enabled = true;
  for (int d = 0; d < 6; ++d) {
    c.network.access.push_back({"", 1e8, 1e8, sim::kMillisecond, sim::Distribution::constant(0)});
  }
  c.network.links = {{0, 1, 1e9, 1e9, sim::kMillisecond, sim::Distribution::constant(0)}};
  DeviceFailureConfig f = failure(FailureCause::kSitePower, {0, 1, 2}, true);
  f.windows = {{10 * kSecond, 20 * kSecond}};
  c.lifecycle.failures = {f};
  Twin twin(c);
  sim::Engine engine(twin.lp_count());
  twin.start(engine);
  engine.run(twin, 15 * kSecond);
  const network::Topology& topo = twin.network()->net().topology();
  for (std::uint32_t d = 0; d < 6; ++d) {
    const bool down = d < 3;
    EXPECT_EQ(twin.lifecycle()->state(d), down ? DeviceState::kFailed : DeviceState::kOnline);
    EXPECT_EQ(twin.fleet().available(d), !down);
    EXPECT_EQ(topo.is_up(twin.network()->access_links()[d]), !down) << d;
  }
  engine.run(twin, c.duration);
  twin.finish(engine.now());
  const FailureRecords& r = twin.lifecycle()->failures();
  ASSERT_EQ(r.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.device[i], i);
    EXPECT_EQ(r.down_ns[i], 10 * kSecond);
    EXPECT_EQ(r.up_ns[i], 20 * kSecond);
    EXPECT_EQ(twin.lifecycle()->state(static_cast<std::uint32_t>(i)), DeviceState::kOnline);
    EXPECT_TRUE(topo.is_up(twin.network()->access_links()[i]));
  }
  // Availability of the type: 6 devices * 30 s, of which 3 * 10 s failed.
  EXPECT_NEAR(twin.lifecycle()->state_seconds(0, DeviceState::kOnline), 150.0, 1e-12);
  EXPECT_NEAR(twin.lifecycle()->state_seconds(0, DeviceState::kFailed), 30.0, 1e-12);
}

TEST(Failures, DailyMaintenanceWindowGatesScheduling) {
  // Two boards at site 0 offline every day over [01:00, 01:30), for 50 h: episodes at 1 h, 25 h
  // and 49 h. A request every 60 s needing 1 s: none starts inside a window; the ones arriving
  // in a window find no device (rejected).
  FleetConfig c = fleet(1, 2, 50 * kHour);
  add_constant_work(c, 60.0, 1.0, Dispatch::kLeastLoaded);
  DeviceFailureConfig f = failure(FailureCause::kMaintenance, {0, 1}, true);
  f.state = DeviceState::kOffline;
  f.daily = true;
  f.daily_start = kHour;
  f.daily_length = 30 * sim::kMinute;
  c.lifecycle.failures = {f};
  const auto twin = run(c);
  const FailureRecords& r = twin->lifecycle()->failures();
  ASSERT_EQ(r.size(), 6u);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const sim::Time day = static_cast<sim::Time>(i / 2) * sim::kDay;
    EXPECT_EQ(r.down_ns[i], day + kHour);
    EXPECT_EQ(r.up_ns[i], day + kHour + 30 * sim::kMinute);
  }
  // Rows of lost and rejected requests have start_ns = when they ended: only completed ones ran.
  const RequestRecords& q = twin->fleet().requests();
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q.outcome[i] != static_cast<std::uint8_t>(RequestOutcome::kCompleted)) continue;
    const sim::Time tod = q.start_ns[i] % sim::kDay;
    ASSERT_FALSE(tod >= kHour && tod < kHour + 30 * sim::kMinute) << q.start_ns[i];
  }
  // Same-instant order: an arrival's source LP comes before the lifecycle's, so the request
  // arriving at 01:00 is dispatched, then lost as the window opens, and the one at 01:30 finds
  // no device yet. Per window: 1 lost, 30 rejected (01:01 ... 01:30).
  EXPECT_EQ(twin->fleet().lost(), 3u);
  EXPECT_EQ(twin->fleet().rejected(), 90u);
}

TEST(Failures, TraceWindowsPerDevice) {
  // Per-device windows (how a failure trace is replayed): device 0 down [5 s, 7 s) and
  // [9 s, end); device 1 down [1 s, 2 s).
  FleetConfig c = fleet(1, 2, 20 * kSecond);
  DeviceFailureConfig f = failure(FailureCause::kTrace, {0, 1}, false);
  f.windows = {{5 * kSecond, 7 * kSecond}, {9 * kSecond, sim::kTimeMax}, {kSecond, 2 * kSecond}};
  f.window_begin = {0, 2, 3};
  c.lifecycle.failures = {f};
  const auto twin = run(c);
  const FailureRecords& r = twin->lifecycle()->failures();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r.device[0], 1u);
  EXPECT_EQ(r.down_ns[0], kSecond);
  EXPECT_EQ(r.up_ns[0], 2 * kSecond);
  EXPECT_EQ(r.down_ns[1], 5 * kSecond);
  EXPECT_EQ(r.up_ns[1], 7 * kSecond);
  EXPECT_EQ(r.down_ns[2], 9 * kSecond);
  EXPECT_EQ(r.up_ns[2], 20 * kSecond);
  EXPECT_EQ(twin->lifecycle()->state(0), DeviceState::kFailed);
  EXPECT_NEAR(sim::to_seconds(twin->lifecycle()->online_ns()[0]), 20.0 - 2.0 - 11.0, 1e-12);
}

// Two one-core boards a and b at one site, round robin; a request every second needing 10 s.
// Device a fails at 5.5 s for good. By then: r1 (1 s) runs on a, r2 (2 s) on b, r3 (3 s) and r5
// (5 s) wait on a, r4 (4 s) on b. a's failure evicts r1, r3 and r5.
FleetConfig lose_or_retry_case(FailurePolicy policy, std::uint32_t max_retries) {
  FleetConfig c = fleet(1, 2, 20 * kSecond);
  c.types[0].cores = 1;
  add_constant_work(c, 1.0, 10.0);
  DeviceFailureConfig f = failure(FailureCause::kCrash, {0}, false);
  f.windows = {{5500 * sim::kMillisecond, sim::kTimeMax}};
  c.lifecycle.failures = {f};
  c.on_device_failure = policy;
  c.max_retries = max_retries;
  return c;
}

TEST(Failures, LosePolicyLosesTheRunningAndQueuedWork) {
  const auto twin = run(lose_or_retry_case(FailurePolicy::kLose, 3));
  EXPECT_EQ(twin->fleet().lost(), 3u);
  EXPECT_EQ(twin->fleet().retried(), 0u);
  // b serves r2 over [2, 12) s: the only completion by 20 s.
  EXPECT_EQ(twin->fleet().completions(), 1u);
}

TEST(Failures, RetryPolicySendsTheWorkBackToDispatch) {
  const auto twin = run(lose_or_retry_case(FailurePolicy::kRetry, 3));
  EXPECT_EQ(twin->fleet().lost(), 0u);
  EXPECT_EQ(twin->fleet().retried(), 3u);
  EXPECT_EQ(twin->fleet().completions(), 1u);
  // Everything else waits at b: 20 arrivals - 1 completed.
  EXPECT_EQ(twin->fleet().device_stats().in_system[1], 19u);
}

TEST(Failures, RetryPolicyWithNoRetriesLeftLoses) {
  const auto twin = run(lose_or_retry_case(FailurePolicy::kRetry, 0));
  EXPECT_EQ(twin->fleet().lost(), 3u);
  EXPECT_EQ(twin->fleet().retried(), 0u);
}

TEST(Lifecycle, ProvisioningThenRetirement) {
  // Two boards provisioning for 10 s, device 1 retired at 30 s of 40 s; a request every 2 s
  // needing 1 s. Nothing starts before 10 s; after 30 s only device 0 serves.
  FleetConfig c = fleet(1, 2, 40 * kSecond);
  c.sample_interval = 5 * kSecond;
  add_constant_work(c, 2.0, 1.0);
  c.lifecycle.provisioning = {10 * kSecond, 10 * kSecond};
  c.lifecycle.retire_at = {sim::kTimeMax, 30 * kSecond};
  const auto twin = run(c);
  const RequestRecords& q = twin->fleet().requests();
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q.outcome[i] != static_cast<std::uint8_t>(RequestOutcome::kCompleted)) continue;
    ASSERT_GE(q.start_ns[i], 10 * kSecond);
    if (q.start_ns[i] >= 30 * kSecond) {
      ASSERT_EQ(q.device[i], 0u);
    }
  }
  EXPECT_EQ(twin->lifecycle()->state(1), DeviceState::kRetired);
  // Arrivals at 2, 4, 6, 8 and 10 s (the arrival's LP comes before the lifecycle's at 10 s).
  EXPECT_EQ(twin->fleet().rejected(), 5u);
  const auto& series = twin->lifecycle()->timeseries();
  EXPECT_EQ(series[1].name, "devices_provisioning");
  EXPECT_EQ(series[1].value[0], 2.0);  // at 0 s
  EXPECT_EQ(series[1].value[2], 0.0);  // at 10 s
  EXPECT_EQ(series[6].value.back(), 1.0);  // devices_retired at 40 s
  EXPECT_NEAR(twin->lifecycle()->state_seconds(0, DeviceState::kProvisioning), 20.0, 1e-12);
  EXPECT_NEAR(twin->lifecycle()->state_seconds(0, DeviceState::kRetired), 10.0, 1e-12);
}

TEST(Lifecycle, ARetiredDeviceHasNoFailuresAfterRetirement) {
  // Devices 0 and 1 lose site power over [20 s, 30 s); device 1 was retired at 10 s: one row,
  // device 0's, and device 1 stays retired.
  FleetConfig c = fleet(1, 2, 40 * kSecond);
  c.lifecycle.retire_at = {sim::kTimeMax, 10 * kSecond};
  DeviceFailureConfig f = failure(FailureCause::kSitePower, {0, 1}, true);
  f.windows = {{20 * kSecond, 30 * kSecond}};
  c.lifecycle.failures = {f};
  const auto twin = run(c);
  const FailureRecords& r = twin->lifecycle()->failures();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.device[0], 0u);
  EXPECT_EQ(r.up_ns[0], 30 * kSecond);
  EXPECT_EQ(twin->lifecycle()->state(1), DeviceState::kRetired);
  EXPECT_EQ(twin->lifecycle()->state(0), DeviceState::kOnline);
}

TEST(Lifecycle, SameSeedSameRun) {
  // Random crashes, a battery on a solar profile and random site power: two runs with the same
  // seed give the same records, latencies and energy; another seed does not.
  auto config = [](std::uint64_t seed) {
    FleetConfig c = fleet(3, 4, 6 * kHour);
    c.seed = seed;
    c.workloads = {{"w", {0, 1, 2}, 0.5, sim::Distribution::exponential(2.0),
                    Dispatch::kRandom}};
    std::vector<std::uint32_t> all(12);
    for (std::uint32_t d = 0; d < 12; ++d) all[d] = d;
    DeviceFailureConfig crash = failure(FailureCause::kCrash, all, false);
    crash.random = true;
    crash.mtbf_s = sim::Distribution::weibull(1.5, 3 * 3600.0);
    crash.mttr_s = sim::Distribution::exponential(600.0);
    DeviceFailureConfig power = failure(FailureCause::kSitePower, {4, 5, 6, 7}, true);
    power.random = true;
    power.mtbf_s = sim::Distribution::exponential(7200.0);
    power.mttr_s = sim::Distribution::exponential(900.0);
    c.lifecycle.failures = {crash, power};
    BatteryConfig b = battery(0.5, 0.5);
    b.solar_w.assign(24, 3.0);
    b.solar_w[2] = 0.0;
    c.lifecycle.batteries = {b};
    c.lifecycle.battery_of.assign(12, LifecycleConfig::kNoBattery);
    c.lifecycle.battery_of[0] = 0;
    c.on_device_failure = FailurePolicy::kRetry;
    return c;
  };
  const auto a = run(config(9)), b = run(config(9)), other = run(config(10));
  EXPECT_EQ(a->lifecycle()->failures().down_ns, b->lifecycle()->failures().down_ns);
  EXPECT_EQ(a->lifecycle()->failures().up_ns, b->lifecycle()->failures().up_ns);
  EXPECT_EQ(a->lifecycle()->failures().device, b->lifecycle()->failures().device);
  EXPECT_EQ(a->fleet().latencies_ns(), b->fleet().latencies_ns());
  EXPECT_EQ(a->fleet().device_stats().energy_j, b->fleet().device_stats().energy_j);
  EXPECT_EQ(a->fleet().retried(), b->fleet().retried());
  EXPECT_GT(a->lifecycle()->failures().size(), 0u);
  EXPECT_NE(a->lifecycle()->failures().down_ns, other->lifecycle()->failures().down_ns);
}

}  // namespace
}  // namespace edgetwin::models
