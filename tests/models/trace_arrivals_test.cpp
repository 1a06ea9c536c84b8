// Trace replay (ArrivalProcess kAzureTrace and kTrace) and arrival scope (per site, per device,
// fleet-wide) in the arrival streams and the fleet model. Exact properties are asserted exactly;
// the statistical ones (uniform spread, fractional scaling) are in tests/validation.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <vector>

#include "models/arrivals.h"
#include "models/fleet_model.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::models {
namespace {

// Minute counts from dense rows of 1440 values (tests only).
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

ArrivalProcess azure(std::shared_ptr<MinuteCounts> counts) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kAzureTrace;
  p.minute_counts = std::move(counts);
  return p;
}

// Every arrival of row `part` before `end`.
std::vector<sim::Time> replay(const ArrivalProcess& p, std::uint32_t part, sim::Time end,
                              std::uint64_t seed = 11) {
  ArrivalStream s(p, 1.0, seed, 3, 0, part);
  std::vector<sim::Time> out;
  for (sim::Time t = s.next(p, 0); t < end; t = s.next(p, t)) out.push_back(t);
  return out;
}

std::vector<std::uint32_t> per_minute(const std::vector<sim::Time>& times, std::size_t minutes) {
  std::vector<std::uint32_t> out(minutes, 0);
  for (sim::Time t : times) ++out.at(static_cast<std::size_t>(t / sim::kMinute));
  return out;
}

// A day with a varied shape: silent minutes, single invocations, a burst of 5000.
std::vector<std::uint32_t> day_shape(std::uint32_t salt) {
  std::vector<std::uint32_t> day(1440, 0);
  for (std::uint32_t m = 0; m < 1440; ++m) day[m] = (m * 37 + salt) % 7 == 0 ? 0 : (m + salt) % 13;
  day[700] = 5000;
  return day;
}

TEST(AzureTraceArrivals, EveryMinuteOfEveryRowIsReplayedWithExactlyItsCount) {
  const auto a = day_shape(1), b = day_shape(4);
  const ArrivalProcess p = azure(counts_of({a, b}));
  for (std::uint32_t part = 0; part < 2; ++part) {
    const auto times = replay(p, part, sim::kDay);
    EXPECT_EQ(per_minute(times, 1440), part == 0 ? a : b) << "row " << part;
    EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  }
}

TEST(AzureTraceArrivals, StartShiftsTheTraceAndRepeatReplaysTheDayAgain) {
  // start_minute 600: trace minute m plays in simulated minute m - 600 on the first day, and in
  // m - 600 + 1440 k on repetition k; without repeat nothing follows trace minute 1439.
  const auto day = day_shape(2);
  ArrivalProcess p = azure(counts_of({day}));
  p.start_minute = 600;
  const auto two_days = per_minute(replay(p, 0, 2 * sim::kDay), 2880);
  for (std::uint32_t j = 0; j < 2880; ++j) {
    const std::uint32_t m = (j + 600) % 1440;
    ASSERT_EQ(two_days[j], day[m]) << "simulated minute " << j;
  }
  p.repeat = false;
  const auto once = replay(p, 0, 3 * sim::kDay);
  ASSERT_FALSE(once.empty());
  EXPECT_LT(once.back(), (1440 - 600) * sim::kMinute);
  std::uint64_t expected = 0;
  for (std::uint32_t m = 600; m < 1440; ++m) expected += day[m];
  EXPECT_EQ(once.size(), expected);
}

TEST(AzureTraceArrivals, EvenSpreadPutsTheIthOfNAtIPlusAHalfOverNOfTheMinute) {
  // 4 in minute 2: at 2 min + (i + 1/2) * 15 s = 127.5 s, 142.5 s, 157.5 s, 172.5 s exactly;
  // 1 in minute 5: at 5 min + 30 s.
  std::vector<std::uint32_t> day(1440, 0);
  day[2] = 4;
  day[5] = 1;
  ArrivalProcess p = azure(counts_of({day}));
  p.even_spread = true;
  p.repeat = false;
  const std::vector<sim::Time> expected = {127'500'000'000, 142'500'000'000, 157'500'000'000,
                                           172'500'000'000, 330'000'000'000};
  EXPECT_EQ(replay(p, 0, sim::kDay), expected);
}

TEST(AzureTraceArrivals, AnIntegerScaleMultipliesEveryMinuteExactly) {
  // scale = 3: floor(3) c + Binomial(c, 0) = 3c in every minute, no randomness involved.
  const auto day = day_shape(5);
  ArrivalProcess p = azure(counts_of({day}));
  p.scale = 3.0;
  const auto n = per_minute(replay(p, 0, sim::kDay), 1440);
  for (std::size_t m = 0; m < 1440; ++m) ASSERT_EQ(n[m], 3 * day[m]) << "minute " << m;
}

TEST(AzureTraceArrivals, AFractionalScaleKeepsEachMinuteBetweenItsFloorAndCeilingMultiples) {
  // scale = 1.5: 1 c + Binomial(c, 0.5), so every minute holds between c and 2c (the mean, 1.5 c
  // in all, is checked statistically in tests/validation); scale 0.25: at most c.
  const auto day = day_shape(6);
  ArrivalProcess p = azure(counts_of({day}));
  p.scale = 1.5;
  auto n = per_minute(replay(p, 0, sim::kDay), 1440);
  for (std::size_t m = 0; m < 1440; ++m) {
    ASSERT_GE(n[m], day[m]);
    ASSERT_LE(n[m], 2 * day[m]);
  }
  p.scale = 0.25;
  n = per_minute(replay(p, 0, sim::kDay), 1440);
  for (std::size_t m = 0; m < 1440; ++m) ASSERT_LE(n[m], day[m]);
}

TEST(AzureTraceArrivals, TheSameSeedReplaysIdenticallyAndRowsDrawFromTheirOwnStreams) {
  const auto day = day_shape(3);
  ArrivalProcess p = azure(counts_of({day, day}));
  p.scale = 0.7;
  EXPECT_EQ(replay(p, 0, sim::kDay), replay(p, 0, sim::kDay));
  EXPECT_NE(replay(p, 0, sim::kDay), replay(p, 1, sim::kDay));  // same counts, other draws
  EXPECT_NE(replay(p, 0, sim::kDay, 11), replay(p, 0, sim::kDay, 12));
}

TEST(AzureTraceArrivals, AnEmptyRowNeverArrivesEvenWhenRepeated) {
  ArrivalProcess p = azure(counts_of({std::vector<std::uint32_t>(1440, 0), day_shape(1)}));
  ArrivalStream s(p, 1.0, 1, 0, 0, 0);
  EXPECT_EQ(s.next(p, 0), sim::kTimeMax);
}

TEST(AzureTraceArrivals, AStreamThinnedToAlmostNothingEndsAtItsHorizon) {
  // One invocation a day kept with probability 1e-6: without a horizon the stream would walk
  // about 10^5 repeated days to find its first request (and give up at the cycle limit). With
  // the horizon at 2 h it ends after the minutes up to 2 h: nothing arrives in the run, and no
  // minute after the horizon is looked at.
  std::vector<std::uint32_t> day(1440, 0);
  day[30] = 1;
  ArrivalProcess p = azure(counts_of({day}));
  p.scale = 1e-6;
  ArrivalStream s(p, 1.0, 1, 0, 0, 0);
  s.set_horizon(2 * sim::kHour);
  EXPECT_EQ(s.next(p, 0), sim::kTimeMax);
  // The horizon cuts only what lies after it: an unthinned day up to 2 h is complete.
  const auto full = day_shape(1);
  ArrivalProcess q = azure(counts_of({full}));
  ArrivalStream t(q, 1.0, 1, 0, 0, 0);
  t.set_horizon(2 * sim::kHour);
  std::uint64_t n = 0, expected = 0;
  for (sim::Time x = t.next(q, 0); x != sim::kTimeMax; x = t.next(q, x)) {
    ASSERT_LT(x, 2 * sim::kHour + sim::kMinute);
    ++n;
  }
  for (std::size_t m = 0; m <= 120; ++m) expected += full[m];
  EXPECT_EQ(n, expected);
}

TEST(InvocationTraceArrivals, EachPartReplaysItsTimesExactlyThenStops) {
  auto times = std::make_shared<InvocationTimes>();
  times->time = {500'000'000, 1'000'000'000, 1'000'000'000, 7'000'000'000, 2'000'000'000};
  times->part_begin = {0, 4, 5};
  times->by_site = true;
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kTrace;
  p.times = times;
  EXPECT_EQ(p.parts(), 2u);
  ArrivalStream first(p, 1.0, 1, 0, 0, 0), second(p, 1.0, 1, 0, 0, 1);
  std::vector<sim::Time> got;
  for (sim::Time t = first.next(p, 0); t != sim::kTimeMax; t = first.next(p, t)) got.push_back(t);
  EXPECT_EQ(got, std::vector<sim::Time>(times->time.begin(), times->time.begin() + 4));
  EXPECT_EQ(second.next(p, 0), 2'000'000'000);
  EXPECT_EQ(second.next(p, 2'000'000'000), sim::kTimeMax);
}

// ---- in the fleet model ---------------------------------------------------------------------

// Two sites of three single-core devices (device d at site d / 3), one workload at both.
FleetConfig two_sites(ArrivalProcess arrivals, ArrivalScope scope, double rate, sim::Time duration,
                      Dispatch dispatch = Dispatch::kRoundRobin) {
  FleetConfig c;
  c.seed = 9;
  c.duration = duration;
  c.sample_interval = 0;
  DeviceType t;
  t.name = "one-core";
  t.cores = 1;
  t.core_speed = 1.0;
  c.types = {t};
  c.sites = {{"a", "edge"}, {"b", "edge"}};
  for (std::uint32_t d = 0; d < 6; ++d)
    c.devices.push_back({"d" + std::to_string(d), 0, d / 3, {}});
  WorkloadConfig w;
  w.name = "w";
  w.sites = {0, 1};
  w.rate_per_s = rate;
  w.service_s = sim::Distribution::constant(0.001);
  w.dispatch = dispatch;
  w.arrivals = std::move(arrivals);
  w.scope = scope;
  c.workloads = {w};
  return c;
}

ArrivalProcess constant_process() {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kConstant;
  return p;
}

TEST(ArrivalScope, DeviceScopeGivesEveryDeviceItsOwnStreamAndAllOfItsRequests) {
  // Constant rate 1/s from a phase of 0: arrivals at 1 s, 2 s, ..., 100 s in a run of 100.5 s,
  // so 100 per stream; one stream per device: each device serves exactly 100 (service 1 ms,
  // all done by 100.001 s), 600 in all.
  const auto model = testing::run_fleet(
      two_sites(constant_process(), ArrivalScope::kDevice, 1.0, 100'500 * sim::kMillisecond));
  EXPECT_EQ(model->lp_count(), 6u + 6u + 1u);
  EXPECT_EQ(model->arrivals(), 600u);
  for (std::uint32_t d = 0; d < 6; ++d) EXPECT_EQ(model->device_stats().served[d], 100u) << d;
}

TEST(ArrivalScope, FleetScopeIsOneStreamDealtOverTheDevicesOfAllItsSites) {
  // One constant stream of 1/s: 100 arrivals in all; round robin over the 6 devices in site
  // order gives 17, 17, 17, 17, 16, 16; each request's site is its device's.
  const auto model = testing::run_fleet(
      two_sites(constant_process(), ArrivalScope::kFleet, 1.0, 100'500 * sim::kMillisecond));
  EXPECT_EQ(model->lp_count(), 6u + 1u + 1u);
  EXPECT_EQ(model->arrivals(), 100u);
  const std::vector<std::uint64_t> expected = {17, 17, 17, 17, 16, 16};
  EXPECT_EQ(model->device_stats().served, expected);
  const RequestRecords& r = model->requests();
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r.site[i], r.device[i] / 3);
}

TEST(ArrivalScope, SiteScopeKeepsOneStreamPerSite) {
  // Two streams of 1/s: 100 each, dealt round robin over the 3 devices of the site: 34, 33, 33.
  const auto model = testing::run_fleet(
      two_sites(constant_process(), ArrivalScope::kSite, 1.0, 100'500 * sim::kMillisecond));
  EXPECT_EQ(model->arrivals(), 200u);
  const std::vector<std::uint64_t> expected = {34, 33, 33, 34, 33, 33};
  EXPECT_EQ(model->device_stats().served, expected);
}

TEST(ArrivalScope, AnAzureTraceAtEachSiteReplaysEveryRowsCountsPerMinute) {
  // Two rows, scope site: each site holds one stream per row, so its arrivals in minute m are
  // exactly a[m] + b[m]; 30 simulated minutes.
  const auto a = day_shape(1), b = day_shape(8);
  FleetConfig c = two_sites(azure(counts_of({a, b})), ArrivalScope::kSite, 1.0, 30 * sim::kMinute,
                            Dispatch::kRandom);
  c.workloads[0].service_s = sim::Distribution::constant(0.0);
  const auto model = testing::run_fleet(c);
  EXPECT_EQ(model->lp_count(), 6u + 2u * 2u + 1u);
  std::map<std::uint32_t, std::vector<std::uint32_t>> per_site;
  const RequestRecords& r = model->requests();
  for (std::size_t i = 0; i < r.size(); ++i) {
    auto& v = per_site[r.site[i]];
    v.resize(30);
    ++v.at(static_cast<std::size_t>(r.arrival_ns[i] / sim::kMinute));
  }
  ASSERT_EQ(per_site.size(), 2u);
  for (const auto& [site, n] : per_site) {
    for (std::size_t m = 0; m < 30; ++m) {
      // A request arriving at the very end (30 min) would be in minute 30: none, as the trace
      // times lie inside their minutes.
      EXPECT_EQ(n[m], a[m] + b[m]) << "site " << site << " minute " << m;
    }
  }
}

// two_sites() with a function that only x86_64 devices can run: devices 1, 3 and 5 become armv7
// boards (so site a holds x86 0, arm 1, x86 2 and site b arm 3, x86 4, arm 5). Each device holds
// one instance, started in 2 s (a lognormal with s = 1e-12); the function needs no image and
// runs 1 ms on a speed-1 core.
FleetConfig two_sites_with_function(ArrivalScope scope) {
  FleetConfig c = two_sites(constant_process(), scope, 1.0, 100'500 * sim::kMillisecond);
  DeviceType x86 = c.types[0];
  x86.name = "x86";
  x86.arch = "x86_64";
  x86.memory_bytes = std::int64_t{1} << 30;
  x86.storage_bytes = std::int64_t{1} << 30;
  x86.max_instances = 1;
  x86.container_start = {1e-12, 1.5, 0.5, 1.0, 3.0};
  DeviceType arm = x86;
  arm.name = "arm";
  arm.arch = "armv7";
  c.types = {x86, arm};
  for (std::uint32_t d = 1; d < 6; d += 2) c.devices[d].type = 1;
  FunctionConfig f;
  f.name = "f";
  f.arch = "x86_64";
  f.memory_bytes = 1 << 20;
  f.work_s = 0.001;
  f.exec = {ExecutionTime{ExecutionTime::Kind::kWork, {}},
            ExecutionTime{ExecutionTime::Kind::kWork, {}}};
  c.functions = {f};
  c.workloads[0].function = 0;
  return c;
}

TEST(ArrivalScope, DeviceScopeGivesNoStreamToADeviceThatCannotRunTheFunction) {
  // Scope device with a function the armv7 boards cannot run (needs arch x86_64): only the three
  // x86 devices get a stream (LPs: 6 devices + 3 sources + the sampler), so 3 x 100 arrivals and
  // none rejected. Per x86 device: the request at 1 s is cold (2 s start, ends at 3.001 s); the
  // one instance is busy until then, so the requests at 2 s and 3 s wait and then run warm: one
  // cold start per device, 100 served.
  const auto model = testing::run_fleet(two_sites_with_function(ArrivalScope::kDevice));
  EXPECT_EQ(model->lp_count(), 6u + 3u + 1u);
  EXPECT_EQ(model->arrivals(), 300u);
  EXPECT_EQ(model->function_counts().rejected, 0u);
  const std::vector<std::uint64_t> served = {100, 0, 100, 0, 100, 0};
  EXPECT_EQ(model->device_stats().served, served);
  const std::vector<std::uint64_t> cold = {1, 0, 1, 0, 1, 0};
  EXPECT_EQ(model->device_stats().cold_starts, cold);
  EXPECT_FALSE(model->can_run(0, 1));
}

TEST(ArrivalScope, FleetScopeDispatchesOnlyOverTheDevicesOfAllSitesThatCanRunTheFunction) {
  // One stream of 1/s, 100 arrivals, dealt round robin over the eligible devices of both sites in
  // site order (0, 2, 4): 34, 33, 33; the armv7 boards get none, and each request's site is its
  // device's.
  const auto model = testing::run_fleet(two_sites_with_function(ArrivalScope::kFleet));
  EXPECT_EQ(model->lp_count(), 6u + 1u + 1u);
  EXPECT_EQ(model->arrivals(), 100u);
  const std::vector<std::uint64_t> served = {34, 0, 33, 0, 33, 0};
  EXPECT_EQ(model->device_stats().served, served);
  const RequestRecords& r = model->requests();
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r.site[i], r.device[i] / 3);
}

TEST(ArrivalScope, TheSameSeedGivesIdenticalRecordsForEveryScope) {
  for (ArrivalScope scope : {ArrivalScope::kSite, ArrivalScope::kDevice, ArrivalScope::kFleet}) {
    ArrivalProcess p;  // Poisson
    const FleetConfig c = two_sites(p, scope, 2.0, 300 * sim::kSecond, Dispatch::kRandom);
    const auto x = testing::run_fleet(c), y = testing::run_fleet(c);
    EXPECT_EQ(x->requests().arrival_ns, y->requests().arrival_ns) << arrival_scope_name(scope);
    EXPECT_EQ(x->requests().device, y->requests().device) << arrival_scope_name(scope);
  }
}

TEST(ArrivalScope, TheSameSeedGivesIdenticalRecordsForEveryScopeWithAFunction) {
  // Poisson arrivals, random dispatch, the x86-only function: cold starts, waits and the
  // eligible-device filter in every scope give the same rows twice.
  for (ArrivalScope scope : {ArrivalScope::kSite, ArrivalScope::kDevice, ArrivalScope::kFleet}) {
    FleetConfig c = two_sites_with_function(scope);
    c.workloads[0].arrivals = ArrivalProcess{};
    c.workloads[0].rate_per_s = 2.0;
    c.workloads[0].dispatch = Dispatch::kRandom;
    const auto x = testing::run_fleet(c), y = testing::run_fleet(c);
    const RequestRecords &a = x->requests(), &b = y->requests();
    ASSERT_GT(a.size(), 100u) << arrival_scope_name(scope);
    EXPECT_EQ(a.arrival_ns, b.arrival_ns) << arrival_scope_name(scope);
    EXPECT_EQ(a.end_ns, b.end_ns) << arrival_scope_name(scope);
    EXPECT_EQ(a.device, b.device) << arrival_scope_name(scope);
    EXPECT_EQ(a.cold_start_ns, b.cold_start_ns) << arrival_scope_name(scope);
    for (std::uint32_t d : a.device) EXPECT_EQ(d % 2, 0u) << "an armv7 board got a request";
  }
}

}  // namespace
}  // namespace edgetwin::models
