// Arrival scope and trace replay together with functions: which devices a fleet-scope stream may
// use when some are unable to run the function or unreachable, and cold starts under a replayed
// Azure-format trace, with every time computed by hand. The model-level scope cases are in
// tests/models/trace_arrivals_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "models/network_activity.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::scenarios {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
constexpr auto kRejected = static_cast<std::uint8_t>(models::RequestOutcome::kRejected);
constexpr auto kCompleted = static_cast<std::uint8_t>(models::RequestOutcome::kCompleted);

// Two edge sites, each with a Raspberry Pi 4 (armv7) and an x86 box; the function needs x86_64,
// so only the boxes can run it. Access links 5 ms each way; one request per second (constant,
// first at 1 s) from one fleet-scope stream, dealt round robin. box-edge-1-1's access link is
// down from 0 to 40.5 s, box-edge-2-1's from 20.5 s to 60.5 s.
constexpr const char* kFleet = R"({
  "name": "fleet-scope",
  "duration": "80500ms",
  "sites": [ { "name": "cloud", "kind": "cloud" }, { "name": "edge-{1..2}" } ],
  "device_types": { "box": { "base": "cloud-vm", "cores": 1, "core_speed": 1.0,
                      "container_start":
                        { "s": 1e-12, "loc": 1.5, "scale": 0.5, "xmin": 1, "xmax": 3 } } },
  "fleet": [ { "type": "rpi4", "site": "edge-*" }, { "type": "box", "site": "edge-*" } ],
  "network": { "access": { "up": "100Mbps", "down": "100Mbps", "latency": "5ms" },
               "backhaul": { "bandwidth": "1Gbps", "latency": "10ms" } },
  "functions": { "app": { "arch": "x86_64", "work": "100ms" } },
  "outages": [ { "kind": "access", "devices": "box-edge-1-1", "at": "0s", "duration": "40500ms" },
               { "kind": "access", "devices": "box-edge-2-1", "at": "20500ms",
                 "duration": "40s" } ],
  "workloads": [ { "name": "w", "sites": "edge-*", "scope": "fleet", "function": "app",
                   "dispatch": "round_robin",
                   "arrivals": { "process": "constant", "rate_per_s": 1 } } ]
})";

TEST(ScopeFunctions, AFleetScopeRequestIsRejectedWhenNoDeviceOfAnySiteIsEligibleAndReachable) {
  const LoadResult loaded = load_scenario_text(kFleet, "fleet.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error_text();
  models::Twin twin(loaded.scenario->fleet);
  sim::Engine engine(twin.lp_count());
  twin.start(engine);
  engine.run(twin, loaded.scenario->fleet.duration);
  twin.finish(engine.now());
  const models::RequestRecords& r = twin.fleet().requests();
  // Devices: 0 rpi4-edge-1-1, 1 rpi4-edge-2-1, 2 box-edge-1-1, 3 box-edge-2-1 (fleet entry
  // order, then sites). Arrivals at 1, 2, ..., 80 s:
  //   1..20 s:  box 1 down, box 2 up            -> box 2 (device 3)
  //   21..40 s: both boxes down, Pis cannot run -> rejected (20), recorded at edge-1
  //   41..60 s: box 1 up, box 2 down            -> box 1 (device 2)
  //   61..80 s: both up                         -> a box
  // Every completed request ends 5 ms + exec (+ 2 s when cold) + 5 ms after it arrived: all 80
  // are recorded.
  ASSERT_EQ(r.size(), 80u);
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const sim::Time t = r.arrival_ns[i];
    if (t > 20'500 * sim::kMillisecond && t < 40'500 * sim::kMillisecond) {
      ++rejected;
      EXPECT_EQ(r.outcome[i], kRejected) << t;
      EXPECT_EQ(r.device[i], models::kNoDevice);
      EXPECT_EQ(r.site[i], 1u);  // the workload's first site
      continue;
    }
    ASSERT_EQ(r.outcome[i], kCompleted) << t;
    EXPECT_GE(r.device[i], 2u) << "a Pi cannot run the function";
    if (t < 20'500 * sim::kMillisecond) {
      EXPECT_EQ(r.device[i], 3u) << t;
    }
    if (t > 40'500 * sim::kMillisecond && t < 60'500 * sim::kMillisecond) {
      EXPECT_EQ(r.device[i], 2u) << t;
    }
    EXPECT_EQ(r.site[i], r.device[i] == 2u ? 1u : 2u);  // its device's site
  }
  EXPECT_EQ(rejected, 20u);
  EXPECT_EQ(twin.fleet().function_counts().rejected, 20u);
  EXPECT_EQ(twin.fleet().device_stats().served[0] + twin.fleet().device_stats().served[1], 0u);
}

class TraceFunctions : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / "edgetwin-scope-functions-test";
    fs::create_directories(dir_ / "traces");
    // One function of the Azure Functions 2019 format: 2 invocations in minute 1 (the header's
    // "1", trace minute 0), 4 in minute 2, none after.
    std::ofstream out(dir_ / "traces" / "azure.csv");
    out << "HashOwner,HashApp,HashFunction,Trigger";
    for (int m = 1; m <= 1440; ++m) out << ',' << m;
    out << "\nowner,app,fn,http";
    for (int m = 0; m < 1440; ++m) out << ',' << (m == 0 ? 2 : m == 1 ? 4 : 0);
    out << "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(TraceFunctions, AReplayedTraceInvokingAFunctionColdStartsOncePerDevice) {
  // One site with two x86 boxes and a Pi (armv7), which cannot run the x86_64 function and so
  // gets no stream with scope device: each box replays the row. Spread even, the i-th of n at
  // (i + 1/2)/n of its minute (exact in binary for n = 2 and 4): minute 0's 2 requests at 15 and
  // 45 s; minute 1's 4 at 60 + 7.5, 22.5, 37.5, 52.5 s. No network, no image: a cold start is
  // the 2 s container start; exec is 1 s (work 1 s at core speed 1). Per box:
  //   15 s cold: 2 + 1 = 3 s, ends 18 s; the instance is idle from 18 s, kept 5 min;
  //   45, 67.5, 82.5, 97.5, 112.5 s warm: 1 s each, never queued.
  json doc = {
      {"name", "trace-functions"},
      {"duration", "3m"},
      {"sites", {{{"name", "edge"}}}},
      {"device_types",
       {{"box",
         {{"base", "cloud-vm"},
          {"cores", 1},
          {"core_speed", 1.0},
          {"container_start",
           {{"s", 1e-12}, {"loc", 1.5}, {"scale", 0.5}, {"xmin", 1}, {"xmax", 3}}}}}}},
      {"fleet",
       {{{"type", "box"}, {"count", 2}, {"site", "edge"}}, {{"type", "rpi4"}, {"site", "edge"}}}},
      {"functions", {{"app", {{"arch", "x86_64"}, {"work", "1s"}}}}},
      {"workloads",
       {{{"name", "w"},
         {"sites", "edge"},
         {"scope", "device"},
         {"function", "app"},
         {"arrivals",
          {{"process", "azure_trace"}, {"file", "traces/azure.csv"}, {"spread", "even"}}}}}}};
  const fs::path file = dir_ / "scenario.json";
  std::ofstream(file) << doc.dump(2);
  const LoadResult loaded = load_scenario_file(file.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error_text();
  const auto model = models::testing::run_fleet(loaded.scenario->fleet);
  // 2 boxes + 1 Pi; sources: one per box; the sampler.
  EXPECT_EQ(model->lp_count(), 3u + 2u + 1u);
  const models::RequestRecords& r = model->requests();
  ASSERT_EQ(r.size(), 12u);
  const sim::Time arrivals_ms[] = {15'000, 45'000, 67'500, 82'500, 97'500, 112'500};
  for (std::uint32_t box = 0; box < 2; ++box) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (r.device[i] != box) continue;
      ASSERT_LT(k, 6u);
      EXPECT_EQ(r.outcome[i], kCompleted);
      EXPECT_EQ(r.arrival_ns[i], arrivals_ms[k] * sim::kMillisecond) << box << " " << k;
      EXPECT_EQ(r.exec_ns[i], sim::kSecond);
      EXPECT_EQ(r.queue_ns[i], 0);
      EXPECT_EQ(r.pull_ns[i], 0);
      // The 2 s start is exact to 1e-12 s, then rounded: 1 us tolerance.
      const double cold = k == 0 ? 2e9 : 0.0;
      EXPECT_NEAR(static_cast<double>(r.cold_start_ns[i]), cold, 1e3) << box << " " << k;
      EXPECT_NEAR(static_cast<double>(r.end_ns[i] - r.arrival_ns[i]), cold + 1e9, 1e3);
      ++k;
    }
    EXPECT_EQ(k, 6u) << box;
    EXPECT_EQ(model->device_stats().cold_starts[box], 1u);
  }
  EXPECT_EQ(model->device_stats().served[2], 0u);  // the Pi
  EXPECT_EQ(model->function_counts().cold_starts, 2u);
  EXPECT_EQ(model->function_counts().warm_starts, 10u);
}

}  // namespace
}  // namespace edgetwin::scenarios
