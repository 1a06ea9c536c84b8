// The function model: cold starts (pull + container start), warm reuse and keep-alive, the image
// cache's LRU order, memory limits, interference and deadlines, each on a hand-built case whose
// times are computed by hand in the comments.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/fleet_model.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::models {
namespace {

using testing::run_fleet;
constexpr std::int64_t kMB = 1000 * 1000;
constexpr std::int64_t kMiB = std::int64_t{1} << 20;

// A container start of 2 s: lognorm with s = 1e-12 is loc + scale to within 1e-12 s.
BoundedLognormal about(double seconds) { return {1e-12, seconds - 0.5, 0.5, 0.0, 2 * seconds}; }

// One device type: `cores` cores at core_speed 1, 1 GiB of memory, `storage` of cache, a
// 100 Mbit/s interface, container start 2 s.
DeviceType edge_type(int cores = 1, std::int64_t storage = 1000 * kMB) {
  DeviceType t = *find_builtin_device_type("cloud-vm");
  t.name = "edge";
  t.cores = cores;
  t.core_speed = 1.0;
  t.memory_bytes = 1024 * kMiB;
  t.storage_bytes = storage;
  t.nic_bps = 1e8;
  t.container_start = about(2.0);
  t.max_instances = 8;
  return t;
}

FunctionConfig function(const std::string& name, std::int32_t image, double work_s,
                        std::int64_t memory = 128 * kMiB) {
  FunctionConfig f;
  f.name = name;
  f.image = image;
  f.memory_bytes = memory;
  f.work_s = work_s;
  f.exec = {ExecutionTime{ExecutionTime::Kind::kWork, {}}};
  return f;
}

// A workload of function `f` arriving once every `period_s` (first at period_s).
WorkloadConfig every(const std::string& name, double period_s, std::int32_t f) {
  WorkloadConfig w;
  w.name = name;
  w.sites = {0};
  w.rate_per_s = 1.0 / period_s;
  w.arrivals.kind = ArrivalProcess::Kind::kConstant;
  w.function = f;
  return w;
}

FleetConfig one_device(DeviceType type) {
  FleetConfig c;
  c.seed = 3;
  c.sample_interval = 0;
  c.types = {std::move(type)};
  c.sites = {{"s", "edge"}};
  c.devices = {{"d", 0, 0, {}}};
  return c;
}

std::vector<std::size_t> rows_of(const RequestRecords& r, std::uint32_t workload) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.workload[i] == workload) rows.push_back(i);
  }
  std::sort(rows.begin(), rows.end(),
            [&](std::size_t a, std::size_t b) { return r.arrival_ns[a] < r.arrival_ns[b]; });
  return rows;
}

constexpr sim::Time kTolerance = 1000;  // 1 us: the 2 s start is exact to 1e-12 s, then rounded
sim::Time gap(sim::Time a, sim::Time b) { return a > b ? a - b : b - a; }

TEST(FunctionModel, ColdStartIsPullTimePlusStartTimeThenWarmWithinKeepAlive) {
  FleetConfig c = one_device(edge_type());
  c.duration = 250 * sim::kSecond;
  c.artifacts = {{"img", false, {{"", 100 * kMB}}}};
  c.functions = {function("f", 0, 0.5)};
  c.workloads = {every("w", 100.0, 0)};
  const auto model = run_fleet(c);
  const RequestRecords& r = model->requests();
  ASSERT_EQ(r.size(), 2u);
  // First request at 100 s: pull = 100 MB * 8 / 100 Mbit/s = 8 s, start 2 s, exec 0.5 s.
  EXPECT_EQ(r.pull_ns[0], 8 * sim::kSecond);
  EXPECT_LE(gap(r.cold_start_ns[0], 10 * sim::kSecond), kTolerance);
  EXPECT_EQ(r.exec_ns[0], 500 * sim::kMillisecond);
  EXPECT_LE(gap(r.end_ns[0], 110'500 * sim::kMillisecond), kTolerance);
  EXPECT_EQ(r.end_ns[0] - r.arrival_ns[0],
            r.network_ns[0] + r.queue_ns[0] + r.cold_start_ns[0] + r.exec_ns[0]);
  // Second at 200 s: the instance idle since 110.5 s is kept for 5 min: warm, 0.5 s.
  EXPECT_EQ(r.cold_start_ns[1], 0);
  EXPECT_EQ(r.end_ns[1] - r.arrival_ns[1], 500 * sim::kMillisecond);
  EXPECT_EQ(model->function_counts().cold_starts, 1u);
  EXPECT_EQ(model->function_counts().warm_starts, 1u);
  EXPECT_EQ(model->function_counts().pulled_bytes, std::uint64_t(100 * kMB));
}

TEST(FunctionModel, AnInstanceIdleLongerThanKeepAliveIsGoneButItsImageStaysCached) {
  FleetConfig c = one_device(edge_type());
  c.duration = 250 * sim::kSecond;
  c.artifacts = {{"img", false, {{"", 100 * kMB}}}};
  c.functions = {function("f", 0, 0.5)};
  c.functions[0].keep_alive = 60 * sim::kSecond;  // idle from 110.5 s: gone at 170.5 s
  c.workloads = {every("w", 100.0, 0)};
  const auto model = run_fleet(c);
  const RequestRecords& r = model->requests();
  ASSERT_EQ(r.size(), 2u);
  // Second at 200 s: cold again (scale to zero), but the image is cached: start only, 2 s.
  EXPECT_EQ(r.pull_ns[1], 0);
  EXPECT_LE(gap(r.cold_start_ns[1], 2 * sim::kSecond), kTolerance);
  EXPECT_EQ(model->function_counts().cold_starts, 2u);
}

TEST(FunctionModel, TheCacheEvictsTheLeastRecentlyUsedImage) {
  // Room for two 100 MB images. Functions a, b, c, one image each, no instance kept (so none
  // pins its image). Arrivals: a at 200, 400, 600 s; b at 300, 600 s; c at 450 s.
  // a@200 pull; b@300 pull; a@400 hit (a used at 400); c@450 pull: evicts b (last used 300),
  // not a (last used 400, though cached first); a@600 hit; b@600 pull, evicting c (450) rather
  // than a (600).
  FleetConfig c = one_device(edge_type(4, 250 * kMB));
  c.duration = 650 * sim::kSecond;
  c.artifacts = {{"ia", false, {{"", 100 * kMB}}},
                 {"ib", false, {{"", 100 * kMB}}},
                 {"ic", false, {{"", 100 * kMB}}}};
  c.functions = {function("a", 0, 0.1), function("b", 1, 0.1), function("c", 2, 0.1)};
  for (auto& f : c.functions) f.keep_alive = 0;
  c.workloads = {every("wa", 200.0, 0), every("wb", 300.0, 1), every("wc", 450.0, 2)};
  const auto model = run_fleet(c);
  const RequestRecords& r = model->requests();
  const auto a = rows_of(r, 0), b = rows_of(r, 1), cc = rows_of(r, 2);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 2u);
  ASSERT_EQ(cc.size(), 1u);
  // 100 MB at 100 Mbit/s: 8 s.
  EXPECT_EQ(r.pull_ns[a[0]], 8 * sim::kSecond);
  EXPECT_EQ(r.pull_ns[a[1]], 0);
  EXPECT_EQ(r.pull_ns[a[2]], 0);
  EXPECT_EQ(r.pull_ns[b[0]], 8 * sim::kSecond);
  EXPECT_EQ(r.pull_ns[b[1]], 8 * sim::kSecond);
  EXPECT_EQ(r.pull_ns[cc[0]], 8 * sim::kSecond);
  EXPECT_EQ(model->function_counts().cache_evictions, 2u);
}

TEST(FunctionModel, AnInstanceThatDoesNotFitInMemoryWaitsAndOneThatNeverFitsIsRejected) {
  // 1 GiB device, 4 cores. f needs 600 MiB: the request at 2 s cannot start a second instance
  // (424 MiB free) though cores are free; it waits for the first instance, which is idle at
  // 1 + 2 (start) + 10 (exec) = 13 s, and then runs warm from 13 s to 23 s. g needs 2 GiB: no
  // device of the site can run it, so its request is rejected at arrival.
  FleetConfig c = one_device(edge_type(4));
  c.duration = 2'500 * sim::kMillisecond;
  c.functions = {function("f", -1, 10.0, 600 * kMiB), function("g", -1, 1.0, 2048 * kMiB)};
  c.workloads = {every("wf", 1.0, 0), every("wg", 2.0, 1)};
  c.duration = 2'500 * sim::kMillisecond;
  FleetModel model(c);
  sim::Engine engine(model.lp_count());
  model.start(engine);
  engine.run(model);  // past the duration: let the queued request finish
  model.finish(engine.now());
  const RequestRecords& r = model.requests();
  const auto f = rows_of(r, 0), g = rows_of(r, 1);
  ASSERT_EQ(f.size(), 2u);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_LE(gap(r.end_ns[f[0]], 13 * sim::kSecond), kTolerance);
  EXPECT_EQ(r.start_ns[f[1]], r.end_ns[f[0]]);
  EXPECT_EQ(r.queue_ns[f[1]], r.end_ns[f[0]] - 2 * sim::kSecond);
  EXPECT_EQ(r.cold_start_ns[f[1]], 0);
  EXPECT_EQ(r.end_ns[f[1]] - r.start_ns[f[1]], 10 * sim::kSecond);
  EXPECT_EQ(r.outcome[g[0]], static_cast<std::uint8_t>(RequestOutcome::kRejected));
  EXPECT_EQ(r.device[g[0]], kNoDevice);
  EXPECT_FALSE(model.can_run(1, 0));
  EXPECT_EQ(model.function_counts().rejected, 1u);
}

TEST(FunctionModel, InterferenceStretchesExecutionByTheOtherBusyCoresAtItsStart) {
  // k = 0.5, 4 cores, 1 s of work each, three requests at the same instant (10 s): they start in
  // turn with 0, 1 and 2 other cores busy: 1 s, 1 * (1 + 0.5 * 1/4) = 1.125 s and
  // 1 * (1 + 0.5 * 2/4) = 1.25 s.
  DeviceType t = edge_type(4);
  t.interference = 0.5;
  FleetConfig c = one_device(t);
  c.duration = 15 * sim::kSecond;
  for (const char* name : {"w1", "w2", "w3"}) {
    WorkloadConfig w = every(name, 10.0, -1);
    w.service_s = sim::Distribution::constant(1.0);
    c.workloads.push_back(w);
  }
  const auto model = run_fleet(c);
  const RequestRecords& r = model->requests();
  ASSERT_EQ(r.size(), 3u);
  std::vector<sim::Time> exec(r.exec_ns.begin(), r.exec_ns.end());
  std::sort(exec.begin(), exec.end());
  EXPECT_EQ(exec[0], 1'000 * sim::kMillisecond);
  EXPECT_EQ(exec[1], 1'125 * sim::kMillisecond);
  EXPECT_EQ(exec[2], 1'250 * sim::kMillisecond);
}

TEST(FunctionModel, CompletedRequestsLaterThanTheirDeadlineAreCountedAsMisses) {
  // One core, a request every 1 s (k = 1, 2, ...), each 1.5 s: request k starts at
  // 1 + 1.5 (k - 1) and ends at 1 + 1.5 k, so its latency is 1 + 0.5 k. By 10.5 s, k = 1..6 have
  // completed (latencies 1.5, 2, 2.5, 3, 3.5, 4 s); with a 3 s deadline k = 5 and 6 missed it
  // (k = 4, exactly 3 s, did not).
  FleetConfig c = one_device(edge_type(1));
  c.duration = 10'500 * sim::kMillisecond;
  WorkloadConfig w = every("w", 1.0, -1);
  w.service_s = sim::Distribution::constant(1.5);
  w.deadline = 3 * sim::kSecond;
  c.workloads = {w};
  const auto model = run_fleet(c);
  const RequestRecords& r = model->requests();
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(model->function_counts().deadline_requests, 6u);
  EXPECT_EQ(model->function_counts().deadline_misses, 2u);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const bool late = r.end_ns[i] - r.arrival_ns[i] > 3 * sim::kSecond;
    EXPECT_EQ(r.deadline_missed[i], late ? 1 : 0);
  }
}

TEST(FunctionModel, ARequestIsOnlyPlacedOnADeviceTypeThatCanRunItsFunction) {
  // Site 0 has an rpi4 and a jetson-nano; resnet-inference-gpu needs a GPU, so every request goes
  // to the nano. Site 1 has only an rpi4: its requests are rejected.
  FleetConfig c;
  c.seed = 5;
  c.duration = 60 * sim::kSecond;
  c.types = {*find_builtin_device_type("rpi4"), *find_builtin_device_type("jetson-nano")};
  c.sites = {{"a", "edge"}, {"b", "edge"}};
  c.devices = {{"p", 0, 0, {}}, {"n", 1, 0, {}}, {"q", 0, 1, {}}};
  c.artifacts = {*find_builtin_artifact("resnet-inference-gpu")};
  FunctionConfig f = function("resnet-inference-gpu", 0, 0.0, 400 * kMiB);
  f.accelerator = "gpu";
  f.exec = {ExecutionTime{}, {ExecutionTime::Kind::kFit,
                              *builtin_execution_time("resnet-inference-gpu", "jetson-nano")}};
  c.functions = {f};
  WorkloadConfig w = every("w", 1.0, 0);
  w.sites = {0, 1};
  w.arrivals.kind = ArrivalProcess::Kind::kPoisson;
  w.dispatch = Dispatch::kRandom;
  c.workloads = {w};
  const auto model = run_fleet(c);
  const RequestRecords& r = model->requests();
  ASSERT_GT(r.size(), 50u);
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.site[i] == 0) {
      EXPECT_EQ(r.device[i], 1u);
    } else {
      EXPECT_EQ(r.outcome[i], static_cast<std::uint8_t>(RequestOutcome::kRejected));
    }
  }
}

TEST(FunctionModel, TheSameSeedGivesTheSameRecordsTwice) {
  FleetConfig c;
  c.seed = 9;
  c.duration = 600 * sim::kSecond;
  DeviceType rpi = *find_builtin_device_type("rpi4");
  rpi.interference = 0.3;
  c.types = {rpi, *find_builtin_device_type("nuc")};
  c.sites = {{"a", "edge"}};
  c.devices = {{"p1", 0, 0, {}}, {"p2", 0, 0, {}}, {"n1", 1, 0, {}}};
  c.artifacts = {*find_builtin_artifact("mobilenet-inference-tflite")};
  FunctionConfig f = function("mobilenet-inference-tflite", 0, 0.3);
  f.keep_alive = 20 * sim::kSecond;
  f.exec = {{ExecutionTime::Kind::kFit,
             *builtin_execution_time("mobilenet-inference-tflite", "rpi4")},
            {ExecutionTime::Kind::kFit,
             *builtin_execution_time("mobilenet-inference-tflite", "nuc")}};
  c.functions = {f};
  WorkloadConfig w = every("w", 0.5, 0);
  w.arrivals.kind = ArrivalProcess::Kind::kPoisson;
  w.deadline = 2 * sim::kSecond;
  c.workloads = {w};
  const auto a = run_fleet(c), b = run_fleet(c);
  const RequestRecords &ra = a->requests(), &rb = b->requests();
  ASSERT_GT(ra.size(), 500u);
  EXPECT_EQ(ra.arrival_ns, rb.arrival_ns);
  EXPECT_EQ(ra.end_ns, rb.end_ns);
  EXPECT_EQ(ra.device, rb.device);
  EXPECT_EQ(ra.cold_start_ns, rb.cold_start_ns);
  EXPECT_EQ(ra.exec_ns, rb.exec_ns);
  EXPECT_EQ(ra.deadline_missed, rb.deadline_missed);
  EXPECT_GT(a->function_counts().cold_starts, 1u);
  EXPECT_GT(a->function_counts().warm_starts, 100u);
}

TEST(FunctionModel, ColdStartsOfOneImageOnOneDeviceShareItsPull) {
  // Two workloads of the same function arrive together at 100 s on a 4-core device: two cold
  // starts (no idle instance), but the image is pulled once; the second waits for that pull
  // (8 s), so both pulls last 8 s and both start at 108 s.
  FleetConfig c = one_device(edge_type(4));
  c.duration = 150 * sim::kSecond;
  c.artifacts = {{"img", false, {{"", 100 * kMB}}}};
  c.functions = {function("f", 0, 0.5)};
  c.workloads = {every("w1", 100.0, 0), every("w2", 100.0, 0)};
  const auto model = run_fleet(c);
  const RequestRecords& r = model->requests();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(model->function_counts().cold_starts, 2u);
  EXPECT_EQ(model->function_counts().pulled_bytes, std::uint64_t(100 * kMB));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.pull_ns[i], 8 * sim::kSecond);
    EXPECT_LE(gap(r.cold_start_ns[i], 10 * sim::kSecond), kTolerance);
  }
}

TEST(FunctionModel, DroppedInstancesAreColdStartedAgain) {
  // drop_instances removes the idle instance: the next request starts cold (image still cached).
  FleetConfig c = one_device(edge_type());
  c.duration = 250 * sim::kSecond;
  c.artifacts = {{"img", false, {{"", 100 * kMB}}}};
  c.functions = {function("f", 0, 0.5)};
  c.workloads = {every("w", 100.0, 0)};
  FleetModel model(c);
  sim::Engine engine(model.lp_count());
  model.start(engine);
  engine.run(model, 150 * sim::kSecond);
  model.drop_instances(0);
  engine.run(model, c.duration);
  const RequestRecords& r = model.requests();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.pull_ns[1], 0);
  EXPECT_LE(gap(r.cold_start_ns[1], 2 * sim::kSecond), kTolerance);
}

}  // namespace
}  // namespace edgetwin::models
