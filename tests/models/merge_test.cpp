// Where the function model meets the lifecycle: a device that goes down during cold starts (its
// requests lost or retried, its instances gone, its pulls abandoned, its cache kept), a retry
// that no other device can take, and the energy of an accelerator function. Times by hand in the
// comments.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/fleet_model.h"
#include "models/network_activity.h"
#include "sim/engine.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::models {
namespace {

using sim::kSecond;
constexpr std::int64_t kMB = 1000 * 1000;
constexpr std::int64_t kMiB = std::int64_t{1} << 20;
constexpr sim::Time kTolerance = 1000;  // 1 us: container starts are exact to 1e-12 s
sim::Time gap(sim::Time a, sim::Time b) { return a > b ? a - b : b - a; }

// A container start of `seconds`: lognorm with s = 1e-12 is loc + scale to within 1e-12 s.
BoundedLognormal about(double seconds) { return {1e-12, seconds - 0.5, 0.5, 0.0, 2 * seconds}; }

// `cores` cores at reference speed, 1 GiB of memory, 1000 MB of cache, 100 Mbit/s, container
// start 2 s; idle 2 W, max 10 W.
DeviceType board(const std::string& name, int cores) {
  DeviceType t;
  t.name = name;
  t.arch = "x86_64";
  t.cores = cores;
  t.core_speed = 1.0;
  t.memory_bytes = 1024 * kMiB;
  t.storage_bytes = 1000 * kMB;
  t.nic_bps = 1e8;
  t.container_start = about(2.0);
  t.max_instances = 8;
  t.idle_power_w = 2.0;
  t.max_power_w = 10.0;
  return t;
}

// Function f: a 100 MB image (8 s to pull at 100 Mbit/s), 0.5 s of work, on every type.
FleetConfig fleet(std::vector<DeviceType> types, std::vector<std::uint32_t> device_types) {
  FleetConfig c;
  c.seed = 5;
  c.duration = 250 * kSecond;
  c.sample_interval = 0;
  c.types = std::move(types);
  c.sites = {{"s", "edge"}};
  for (std::uint32_t d = 0; d < device_types.size(); ++d) {
    c.devices.push_back({"d" + std::to_string(d), device_types[d], 0, {}});
  }
  c.artifacts = {{"img", false, {{"", 100 * kMB}}}};
  FunctionConfig f;
  f.name = "f";
  f.image = 0;
  f.memory_bytes = 128 * kMiB;
  f.work_s = 0.5;
  f.exec.assign(c.types.size(), ExecutionTime{ExecutionTime::Kind::kWork, {}});
  c.functions = {f};
  return c;
}

// Workload `name` of function 0: one request every 100 s (at 100 s, 200 s, ...), round robin.
WorkloadConfig every_100s(const std::string& name) {
  WorkloadConfig w;
  w.name = name;
  w.sites = {0};
  w.rate_per_s = 0.01;
  w.arrivals.kind = ArrivalProcess::Kind::kConstant;
  w.dispatch = Dispatch::kRoundRobin;
  w.function = 0;
  return w;
}

// Device `device` fails over [down, up).
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

std::vector<std::size_t> by_arrival(const RequestRecords& r) {
  std::vector<std::size_t> rows(r.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
    return r.arrival_ns[a] != r.arrival_ns[b] ? r.arrival_ns[a] < r.arrival_ns[b]
                                              : r.workload[a] < r.workload[b];
  });
  return rows;
}

constexpr auto kLost = static_cast<std::uint8_t>(RequestOutcome::kLost);
constexpr auto kCompleted = static_cast<std::uint8_t>(RequestOutcome::kCompleted);
constexpr auto kRejected = static_cast<std::uint8_t>(RequestOutcome::kRejected);

TEST(FailureDuringColdStart, PullInFlightLosesTheRequestAndItsWaiterAndIsAbandoned) {
  // One 2-core device, two workloads: both arrive at 100 s; one pulls the image over
  // [100, 108) s, the other waits for that pull. The device fails at 104 s (back at 114 s):
  // both are lost at 104 s (rows with outcome lost). The pull is abandoned, so at 200 s the image
  // is pulled again: pull 8 s (one pull, the other waits for it), start 2 s, exec 0.5 s.
  FleetConfig c = fleet({board("b", 2)}, {0});
  c.workloads = {every_100s("w0"), every_100s("w1")};
  fail(c, 0, 104 * kSecond, 114 * kSecond);
  const auto twin = run(c);
  const RequestRecords& r = twin->fleet().requests();
  ASSERT_EQ(r.size(), 4u);
  const auto rows = by_arrival(r);
  for (std::size_t k : {rows[0], rows[1]}) {
    EXPECT_EQ(r.outcome[k], kLost);
    EXPECT_EQ(r.device[k], 0u);
    EXPECT_EQ(r.end_ns[k], 104 * kSecond);
    EXPECT_EQ(r.retries[k], 0u);
  }
  for (std::size_t k : {rows[2], rows[3]}) {
    EXPECT_EQ(r.outcome[k], kCompleted);
    EXPECT_EQ(r.pull_ns[k], 8 * kSecond);
    EXPECT_LE(gap(r.cold_start_ns[k], 10 * kSecond), kTolerance);
    EXPECT_LE(gap(r.end_ns[k], 210'500 * sim::kMillisecond), kTolerance);
  }
  EXPECT_EQ(twin->fleet().lost(), 2u);
  EXPECT_EQ(twin->fleet().function_counts().pulled_bytes, std::uint64_t(2 * 100 * kMB));
  EXPECT_EQ(twin->fleet().device_stats().cold_starts[0], 4u);
  EXPECT_EQ(twin->fleet().device_stats().in_system[0], 0u);
}

TEST(FailureDuringColdStart, ContainerStartingLosesTheRequestButTheCacheIsKept) {
  // One 1-core device: pull over [100, 108) s, the container starts over [108, 110) s; the device
  // fails at 109 s (back at 119 s): lost at 109 s; the stale start at 110 s is ignored. The
  // instance is gone but the image, pulled in full, stays cached (a crash keeps the disk): at
  // 200 s a cold start without a pull, 2 s, then 0.5 s.
  FleetConfig c = fleet({board("b", 1)}, {0});
  c.workloads = {every_100s("w")};
  fail(c, 0, 109 * kSecond, 119 * kSecond);
  const auto twin = run(c);
  const RequestRecords& r = twin->fleet().requests();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.outcome[0], kLost);
  EXPECT_EQ(r.end_ns[0], 109 * kSecond);
  EXPECT_EQ(r.outcome[1], kCompleted);
  EXPECT_EQ(r.pull_ns[1], 0);
  EXPECT_LE(gap(r.cold_start_ns[1], 2 * kSecond), kTolerance);
  EXPECT_LE(gap(r.end_ns[1], 202'500 * sim::kMillisecond), kTolerance);
  EXPECT_EQ(twin->fleet().function_counts().pulled_bytes, std::uint64_t(100 * kMB));
}

TEST(FailureDuringColdStart, RetryMovesTheRequestToAnotherDeviceWithOneRow) {
  // Two 1-core devices, round robin: the request of 100 s goes to d0, which fails at 104 s during
  // the pull. Retried at once (no network: no route latency) to d1: pull 8 s, start 2 s, exec
  // 0.5 s, done at 114.5 s. One row: device d1, retries 1, queue 4 s (its time on d0), and
  // end - arrival = network + queue + cold start + exec = 0 + 4 + 10 + 0.5 s.
  FleetConfig c = fleet({board("b", 1)}, {0, 0});
  c.duration = 150 * kSecond;
  c.workloads = {every_100s("w")};
  c.on_device_failure = FailurePolicy::kRetry;
  fail(c, 0, 104 * kSecond, 114 * kSecond);
  const auto twin = run(c);
  const RequestRecords& r = twin->fleet().requests();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.outcome[0], kCompleted);
  EXPECT_EQ(r.device[0], 1u);
  EXPECT_EQ(r.retries[0], 1u);
  EXPECT_EQ(r.queue_ns[0], 4 * kSecond);
  EXPECT_EQ(r.pull_ns[0], 8 * kSecond);
  EXPECT_LE(gap(r.end_ns[0], 114'500 * sim::kMillisecond), kTolerance);
  EXPECT_EQ(r.end_ns[0] - r.arrival_ns[0],
            r.network_ns[0] + r.queue_ns[0] + r.cold_start_ns[0] + r.exec_ns[0]);
  EXPECT_EQ(twin->fleet().retried(), 1u);
  EXPECT_EQ(twin->fleet().lost(), 0u);
}

TEST(FailureDuringColdStart, RetryOfAFunctionOnlyTheFailedTypeRunsIsRejected) {
  // d0 has a GPU, d1 none; f needs the GPU, so only d0 can run it. The request of 100 s is on d0,
  // which fails at 104 s: the retry finds no available device that can run f and is rejected at
  // 104 s, its row keeping retries = 1 and no device.
  DeviceType gpu = board("gpu", 1);
  gpu.accelerator = "gpu";
  gpu.accelerators = 1;
  FleetConfig c = fleet({gpu, board("cpu", 1)}, {0, 1});
  c.functions[0].accelerator = "gpu";
  c.duration = 150 * kSecond;
  c.workloads = {every_100s("w")};
  c.on_device_failure = FailurePolicy::kRetry;
  fail(c, 0, 104 * kSecond, 114 * kSecond);
  const auto twin = run(c);
  const RequestRecords& r = twin->fleet().requests();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.outcome[0], kRejected);
  EXPECT_EQ(r.device[0], kNoDevice);
  EXPECT_EQ(r.retries[0], 1u);
  EXPECT_EQ(r.end_ns[0], 104 * kSecond);
  EXPECT_EQ(twin->fleet().retried(), 1u);
  EXPECT_EQ(twin->fleet().rejected(), 1u);
  EXPECT_EQ(twin->fleet().lost(), 0u);
}

TEST(FailureDuringColdStart, SameSeedSameRows) {
  // Poisson arrivals at two workloads on three devices, two of them failing repeatedly, retry.
  FleetConfig c = fleet({board("b", 2)}, {0, 0, 0});
  c.duration = 2000 * kSecond;
  c.workloads = {every_100s("w0"), every_100s("w1")};
  for (auto& w : c.workloads) {
    w.arrivals.kind = ArrivalProcess::Kind::kPoisson;
    w.rate_per_s = 0.5;
  }
  c.functions[0].keep_alive = 20 * kSecond;
  c.on_device_failure = FailurePolicy::kRetry;
  c.max_retries = 1;
  for (sim::Time t = 50; t < 2000; t += 150) {
    fail(c, 0, t * kSecond, (t + 30) * kSecond);
    fail(c, 1, (t + 20) * kSecond, (t + 60) * kSecond);
  }
  const auto a = run(c);
  const auto b = run(c);
  const RequestRecords& x = a->fleet().requests();
  const RequestRecords& y = b->fleet().requests();
  ASSERT_GT(x.size(), 1000u);
  EXPECT_EQ(x.end_ns, y.end_ns);
  EXPECT_EQ(x.device, y.device);
  EXPECT_EQ(x.outcome, y.outcome);
  EXPECT_EQ(x.retries, y.retries);
  EXPECT_GT(a->fleet().retried(), 0u);
  EXPECT_EQ(a->fleet().device_stats().energy_j, b->fleet().device_stats().energy_j);
  // Every arrival ended in exactly one row or is still in the system at the end.
  std::uint64_t in_system = 0;
  for (std::uint32_t n : a->fleet().device_stats().in_system) in_system += n;
  EXPECT_EQ(x.size() + in_system, a->fleet().arrivals());
}

TEST(EnergyOfFunctions, AGpuRequestDrawsCorePlusAcceleratorPower) {
  // A 4-core board, idle 2 W, max 10 W (2 W per busy core), one GPU of 5 W. One GPU request at
  // 10 s of a 20 s run, no image: container start 2 s then 2 s of work, holding one core and the
  // GPU over [10, 14) s. E = 2 W * 20 s + (2 + 5) W * 4 s = 68 J.
  DeviceType t = board("jetson", 4);
  t.accelerator = "gpu";
  t.accelerators = 1;
  t.accelerator_power_w = 5.0;
  FleetConfig c = fleet({t}, {0});
  c.duration = 20 * kSecond;
  c.functions[0].image = -1;
  c.functions[0].accelerator = "gpu";
  c.functions[0].work_s = 2.0;
  WorkloadConfig w = every_100s("w");
  w.rate_per_s = 0.1;
  c.workloads = {w};
  const auto model = testing::run_fleet(c);
  ASSERT_EQ(model->requests().size(), 1u);
  EXPECT_LE(gap(model->requests().end_ns[0], 14 * kSecond), kTolerance);
  // The 2 s start is exact to 1 us: 7 W * 1e-6 s bounds the error.
  // (The next request arrives at 20 s, the end: it adds nothing.)
  EXPECT_NEAR(model->device_stats().energy_j[0], 68.0, 1e-5);
}

}  // namespace
}  // namespace edgetwin::models
