// Where arrival scope (trace branch) meets device failures (life branch): a retry goes back
// through its own arrival stream's dispatch, so it stays within that stream's candidates. A
// device-scope request whose device fails has no other candidate; a fleet-scope retry may land on
// another site's device; an Azure-trace workload on a failing fleet runs the same twice. Counts
// and times by hand in the comments.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "models/fleet_model.h"
#include "models/network_activity.h"
#include "sim/engine.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::models {
namespace {

using sim::kSecond;
constexpr auto kCompleted = static_cast<std::uint8_t>(RequestOutcome::kCompleted);
constexpr auto kRejected = static_cast<std::uint8_t>(RequestOutcome::kRejected);
constexpr auto kLost = static_cast<std::uint8_t>(RequestOutcome::kLost);

// `sites` sites of `per_site` single-core devices of speed 1 (device d at site d / per_site), one
// workload at every site: plain constant service of `service_s`, constant arrivals at `rate`
// (at 1/rate, 2/rate, ... per stream), round robin, scope `scope`.
FleetConfig fleet(std::uint32_t sites, std::uint32_t per_site, ArrivalScope scope, double rate,
                  double service_s, sim::Time duration) {
  FleetConfig c;
  c.seed = 21;
  c.duration = duration;
  c.sample_interval = 0;
  DeviceType t;
  t.name = "one-core";
  t.cores = 1;
  t.core_speed = 1.0;
  c.types = {t};
  WorkloadConfig w;
  w.name = "w";
  for (std::uint32_t s = 0; s < sites; ++s) {
    c.sites.push_back({"s" + std::to_string(s), "edge"});
    w.sites.push_back(s);
    for (std::uint32_t k = 0; k < per_site; ++k) {
      c.devices.push_back({"d" + std::to_string(s * per_site + k), 0, s, {}});
    }
  }
  w.rate_per_s = rate;
  w.service_s = sim::Distribution::constant(service_s);
  w.arrivals.kind = ArrivalProcess::Kind::kConstant;
  w.dispatch = Dispatch::kRoundRobin;
  w.scope = scope;
  c.workloads = {w};
  return c;
}

// Device `device` crashes over [down, up).
void fail(FleetConfig& c, std::uint32_t device, sim::Time down, sim::Time up) {
  DeviceFailureConfig f;
  f.name = "crash";
  f.cause = FailureCause::kCrash;
  f.devices = {device};
  f.group_begin = {0, 1};
  f.windows = {{down, up}};
  c.lifecycle.failures.push_back(f);
}

std::unique_ptr<Twin> run(const FleetConfig& config) { return testing::run_twin(config); }

// Scope device, two devices at one site, each with its own stream of 1/s (arrivals at 1, 2, ...,
// 100 s; run 100.75 s), service 0.5 s. d0 crashes over [10.25 s, 20.5 s): the request of 10 s is
// executing on it (until 10.5 s) and is evicted at 10.25 s; the requests of 11 .. 20 s find their
// only candidate down and are rejected at arrival; from 21 s on d0 serves again. d1 serves all
// 100 of its requests.
FleetConfig device_scope_case(FailurePolicy policy) {
  FleetConfig c = fleet(1, 2, ArrivalScope::kDevice, 1.0, 0.5, 100'750 * sim::kMillisecond);
  c.on_device_failure = policy;
  c.max_retries = 3;
  fail(c, 0, 10'250 * sim::kMillisecond, 20'500 * sim::kMillisecond);
  return c;
}

TEST(ScopeAndFailures, DeviceScopeStreamIsRejectedWhileItsDeviceIsDownAndServedAfterRepair) {
  // Policy retry: the evicted request of 10 s is retried through its own stream, whose one
  // candidate (d0) is down, so it is rejected at 10.25 s with retries 1. Rejected: 1 + 10 (11 ..
  // 20 s) = 11; d0 serves 1 .. 9 and 21 .. 100 s = 9 + 80 = 89; d1 100.
  const auto twin = run(device_scope_case(FailurePolicy::kRetry));
  const FleetModel& m = twin->fleet();
  EXPECT_EQ(m.arrivals(), 200u);
  EXPECT_EQ(m.rejected(), 11u);
  EXPECT_EQ(m.retried(), 1u);
  EXPECT_EQ(m.lost(), 0u);
  const std::vector<std::uint64_t> served = {89, 100};
  EXPECT_EQ(m.device_stats().served, served);
  const RequestRecords& r = m.requests();
  ASSERT_EQ(r.size(), 200u);
  std::uint32_t rejected_at_arrival = 0, rejected_retry = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.outcome[i] != kRejected) continue;
    EXPECT_EQ(r.device[i], kNoDevice);
    EXPECT_EQ(r.site[i], 0u);
    if (r.retries[i] == 0) {
      ++rejected_at_arrival;
      // Arrived at 11 .. 20 s, rejected at once.
      EXPECT_GE(r.arrival_ns[i], 11 * kSecond);
      EXPECT_LE(r.arrival_ns[i], 20 * kSecond);
      EXPECT_EQ(r.end_ns[i], r.arrival_ns[i]);
    } else {
      ++rejected_retry;
      EXPECT_EQ(r.retries[i], 1u);
      EXPECT_EQ(r.arrival_ns[i], 10 * kSecond);
      EXPECT_EQ(r.end_ns[i], 10'250 * sim::kMillisecond);
    }
  }
  EXPECT_EQ(rejected_at_arrival, 10u);
  EXPECT_EQ(rejected_retry, 1u);
  // After the repair: the request of 21 s runs on d0 over [21, 21.5) s.
  bool seen = false;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.arrival_ns[i] == 21 * kSecond && r.device[i] == 0) {
      seen = true;
      EXPECT_EQ(r.outcome[i], kCompleted);
      EXPECT_EQ(r.end_ns[i], 21'500 * sim::kMillisecond);
    }
  }
  EXPECT_TRUE(seen);
}

TEST(ScopeAndFailures, DeviceScopeStreamUnderLoseLosesTheRunningRequestAndRejectsNewOnes) {
  // Policy lose: the request of 10 s is lost at 10.25 s (device d0); 11 .. 20 s rejected.
  const auto twin = run(device_scope_case(FailurePolicy::kLose));
  const FleetModel& m = twin->fleet();
  EXPECT_EQ(m.lost(), 1u);
  EXPECT_EQ(m.rejected(), 10u);
  EXPECT_EQ(m.retried(), 0u);
  const std::vector<std::uint64_t> served = {89, 100};
  EXPECT_EQ(m.device_stats().served, served);
  const RequestRecords& r = m.requests();
  std::uint32_t lost = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.outcome[i] != kLost) continue;
    ++lost;
    EXPECT_EQ(r.device[i], 0u);
    EXPECT_EQ(r.arrival_ns[i], 10 * kSecond);
    EXPECT_EQ(r.end_ns[i], 10'250 * sim::kMillisecond);
  }
  EXPECT_EQ(lost, 1u);
}

TEST(ScopeAndFailures, FleetScopeRetryLandsOnAnotherSitesDevice) {
  // Two sites of one device each, one fleet-scope stream of 0.1/s (one arrival, at 10 s; run
  // 19 s), service 4 s, round robin over (d0 at s0, d1 at s1): the request goes to d0 and runs
  // over [10, 14) s; d0 crashes at 12 s. Retried through the same stream: d1 (site s1) is the
  // only available candidate; no network, so it starts there at 12 s and, same type, keeps its
  // 4 s: done at 16 s. One row: device 1, site 1, retries 1, queue 2 s (its time on d0).
  FleetConfig c = fleet(2, 1, ArrivalScope::kFleet, 0.1, 4.0, 19 * kSecond);
  c.on_device_failure = FailurePolicy::kRetry;
  fail(c, 0, 12 * kSecond, 18 * kSecond);
  const auto twin = run(c);
  const RequestRecords& r = twin->fleet().requests();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.outcome[0], kCompleted);
  EXPECT_EQ(r.device[0], 1u);
  EXPECT_EQ(r.site[0], 1u);
  EXPECT_EQ(r.retries[0], 1u);
  EXPECT_EQ(r.arrival_ns[0], 10 * kSecond);
  EXPECT_EQ(r.queue_ns[0], 2 * kSecond);
  EXPECT_EQ(r.exec_ns[0], 4 * kSecond);
  EXPECT_EQ(r.end_ns[0], 16 * kSecond);
  EXPECT_EQ(twin->fleet().retried(), 1u);
  EXPECT_EQ(twin->fleet().rejected(), 0u);
  EXPECT_EQ(twin->fleet().lost(), 0u);
}

TEST(ScopeAndFailures, FleetScopeSkipsADownDeviceAtASiteOtherThanItsFirst) {
  // Scope fleet over (d0 at s0, d1 at s1), round robin, arrivals at 10, 20, 30, 40 s, service
  // 1 s; d1 (at s1, not the stream's first site) is down over [5, 50) s, policy lose. Every
  // request skips d1 and runs on d0: 4 served, none lost, rejected or retried. (A fast path keyed
  // on the stream's own site would have sent two of them to d1.)
  FleetConfig c = fleet(2, 1, ArrivalScope::kFleet, 0.1, 1.0, 45 * kSecond);
  fail(c, 1, 5 * kSecond, 50 * kSecond);
  const auto twin = run(c);
  const std::vector<std::uint64_t> served = {4, 0};
  EXPECT_EQ(twin->fleet().device_stats().served, served);
  EXPECT_EQ(twin->fleet().lost() + twin->fleet().rejected() + twin->fleet().retried(), 0u);
}

TEST(ScopeAndFailures, SiteScopeRetryStaysAtItsSite) {
  // The same fleet with scope site: one stream per site, each arriving at 10 s. The request of s0
  // runs on d0 and is evicted at 12 s; its stream's only candidate is d0, down, so the retry is
  // rejected at 12 s (site 0, retries 1), although d1 at s1 is up. s1's request is done at 14 s.
  FleetConfig c = fleet(2, 1, ArrivalScope::kSite, 0.1, 4.0, 19 * kSecond);
  c.on_device_failure = FailurePolicy::kRetry;
  fail(c, 0, 12 * kSecond, 18 * kSecond);
  const auto twin = run(c);
  const RequestRecords& r = twin->fleet().requests();
  ASSERT_EQ(r.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    if (r.outcome[i] == kRejected) {
      EXPECT_EQ(r.site[i], 0u);
      EXPECT_EQ(r.retries[i], 1u);
      EXPECT_EQ(r.end_ns[i], 12 * kSecond);
    } else {
      EXPECT_EQ(r.outcome[i], kCompleted);
      EXPECT_EQ(r.device[i], 1u);
      EXPECT_EQ(r.end_ns[i], 14 * kSecond);
    }
  }
  EXPECT_EQ(twin->fleet().rejected(), 1u);
  EXPECT_EQ(twin->fleet().retried(), 1u);
}

// Minute counts of an Azure Functions 2019 trace from dense rows of 1440 values.
std::shared_ptr<MinuteCounts> counts_of(const std::vector<std::vector<std::uint32_t>>& rows) {
  auto out = std::make_shared<MinuteCounts>();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::uint16_t m = 0; m < rows[r].size(); ++m) {
      if (rows[r][m] == 0) continue;
      out->minute.push_back(m);
      out->count.push_back(rows[r][m]);
      out->total += rows[r][m];
    }
    out->row_begin.push_back(static_cast<std::uint32_t>(out->minute.size()));
    out->file_row.push_back(static_cast<std::uint32_t>(r));
  }
  return out;
}

TEST(ScopeAndFailures, AzureTraceOnAFailingFleetRunsTheSameTwiceAndReplaysEveryInvocation) {
  // Two rows of a day (0 .. 12 invocations a minute), 30 simulated minutes, on two sites of three
  // single-core devices; service 20 s, random dispatch, every device crashing at random (MTBF
  // 5 min, MTTR 1 min, exponential), retry once. For every scope: the same seed gives identical
  // rows; the arrivals are exactly the trace's (failures never change them); every arrival ends
  // in one row or is still in the system.
  std::vector<std::uint32_t> a(1440), b(1440);
  std::uint64_t expected_per_stream = 0;
  for (std::uint32_t m = 0; m < 1440; ++m) {
    a[m] = (m * 7 + 3) % 13;
    b[m] = (m * 5 + 1) % 11;
    if (m < 30) expected_per_stream += a[m] + b[m];
  }
  for (ArrivalScope scope : {ArrivalScope::kSite, ArrivalScope::kFleet, ArrivalScope::kDevice}) {
    FleetConfig c = fleet(2, 3, scope, 1.0, 20.0, 30 * sim::kMinute);
    c.workloads[0].arrivals.kind = ArrivalProcess::Kind::kAzureTrace;
    c.workloads[0].arrivals.minute_counts = counts_of({a, b});
    c.workloads[0].dispatch = Dispatch::kRandom;
    c.on_device_failure = FailurePolicy::kRetry;
    c.max_retries = 1;
    DeviceFailureConfig f;
    f.name = "random";
    f.random = true;
    f.mtbf_s = sim::Distribution::exponential(300.0);
    f.mttr_s = sim::Distribution::exponential(60.0);
    for (std::uint32_t d = 0; d < 6; ++d) {
      f.group_begin.push_back(d);
      f.devices.push_back(d);
    }
    f.group_begin.push_back(6);
    c.lifecycle.failures = {f};
    const auto x = run(c), y = run(c);
    const RequestRecords& p = x->fleet().requests();
    const RequestRecords& q = y->fleet().requests();
    const char* name = arrival_scope_name(scope);
    EXPECT_EQ(p.arrival_ns, q.arrival_ns) << name;
    EXPECT_EQ(p.end_ns, q.end_ns) << name;
    EXPECT_EQ(p.device, q.device) << name;
    EXPECT_EQ(p.site, q.site) << name;
    EXPECT_EQ(p.outcome, q.outcome) << name;
    EXPECT_EQ(p.retries, q.retries) << name;
    EXPECT_EQ(x->fleet().device_stats().energy_j, y->fleet().device_stats().energy_j) << name;
    // Streams: site 2 (one per site), fleet 1, device 6, each replaying both rows.
    const std::uint64_t streams = scope == ArrivalScope::kSite    ? 2
                                  : scope == ArrivalScope::kFleet ? 1
                                                                  : 6;
    EXPECT_EQ(x->fleet().arrivals(), streams * expected_per_stream) << name;
    std::uint64_t in_system = 0;
    for (std::uint32_t n : x->fleet().device_stats().in_system) in_system += n;
    EXPECT_EQ(p.size() + in_system, x->fleet().arrivals()) << name;
    EXPECT_GT(x->fleet().retried(), 0u) << name;
    EXPECT_GT(x->fleet().rejected() + x->fleet().lost(), 0u) << name;
  }
}

}  // namespace
}  // namespace edgetwin::models
