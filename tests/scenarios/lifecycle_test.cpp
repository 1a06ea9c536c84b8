// Batteries, provisioning, retirement, device outage kinds and the failure policy: what the
// builder makes of them, and a failure trace replayed through a whole run.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/network_activity.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"
#include "tests/scenarios/test_util.h"

namespace edgetwin::scenarios {
namespace {

using nlohmann::json;
using models::DeviceFailureConfig;
using models::FailureCause;
using Windows = std::vector<std::pair<sim::Time, sim::Time>>;

// Four edge sites with two rpi4s each and a jetson-nano each, two cloud VMs; no network.
constexpr const char* kFleet = R"({
  "name": "life",
  "duration": "2d",
  "sites": [ { "name": "cloud", "kind": "cloud" }, { "name": "edge-{1..4}" } ],
  "fleet": [ { "type": "rpi4", "count": 2, "site": "edge-*" },
             { "type": "jetson-nano", "site": "edge-*" },
             { "type": "cloud-vm", "count": 2, "site": "cloud" } ],
  "workloads": [ { "name": "w", "sites": "edge-*", "arrivals": { "poisson_per_s": 1 },
                   "service": { "distribution": "exponential", "mean": "10ms" } } ]
})";
// Device order: rpi4-edge-1-1, rpi4-edge-1-2, rpi4-edge-2-1, ... (0..7), jetson-nano-edge-1-1 ..
// (8..11), cloud-vm-cloud-1, -2 (12, 13).

LoadResult load(const json& j) { return load_scenario_text(j.dump(), "life.json"); }

std::vector<std::uint32_t> group(const DeviceFailureConfig& f, std::size_t g) {
  return {f.devices.begin() + f.group_begin[g], f.devices.begin() + f.group_begin[g + 1]};
}

TEST(Lifecycle, DeviceOutageKindsNeedNoNetworkAndSelectTheirDevices) {
  json j = json::parse(kFleet);
  j["outages"] = json::parse(R"([
    { "kind": "device_failures", "type": "jetson-nano",
      "mtbf": { "distribution": "weibull", "shape": 1.5, "scale": "30d" }, "mttr": "2h" },
    { "kind": "site_power", "site": ["edge-2", "edge-4"], "windows": [["1h", "2h"]] },
    { "kind": "batch", "type": "rpi4", "fraction": 0.5, "at": "3h", "duration": "1h" },
    { "kind": "maintenance", "sites": "cloud", "state": "updating",
      "daily": { "start": "23h", "duration": "2h" } },
    { "kind": "device_failures", "devices": "rpi4-edge-1-*", "sites": ["edge-1", "edge-2"],
      "windows": [["10m", "20m"]] }
  ])");
  j["on_device_failure"] = {{"policy", "retry"}, {"max_retries", 5}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& c = r.scenario->fleet;
  const auto& f = c.lifecycle.failures;
  ASSERT_EQ(f.size(), 5u);
  // Crashes: each jetson its own process, Weibull up times.
  EXPECT_EQ(f[0].cause, FailureCause::kCrash);
  EXPECT_EQ(f[0].devices, (std::vector<std::uint32_t>{8, 9, 10, 11}));
  EXPECT_EQ(f[0].groups(), 4u);
  EXPECT_TRUE(f[0].random);
  EXPECT_EQ(f[0].mtbf_s.kind, sim::Distribution::Kind::kWeibull);
  EXPECT_EQ(f[0].mttr_s.mean(), 7200.0);
  // Site power: one group per site, of all its devices.
  EXPECT_EQ(f[1].cause, FailureCause::kSitePower);
  ASSERT_EQ(f[1].groups(), 2u);
  EXPECT_EQ(group(f[1], 0), (std::vector<std::uint32_t>{2, 3, 9}));
  EXPECT_EQ(group(f[1], 1), (std::vector<std::uint32_t>{6, 7, 11}));
  EXPECT_EQ(f[1].windows, (Windows{{sim::kHour, 2 * sim::kHour}}));
  // A batch: half the rpi4s, drawn from the seed, failing together.
  EXPECT_EQ(f[2].groups(), 1u);
  EXPECT_EQ(f[2].devices.size(), 4u);
  for (std::uint32_t d : f[2].devices) EXPECT_LT(d, 8u);
  // Maintenance of the cloud VMs, daily, updating.
  EXPECT_EQ(f[3].devices, (std::vector<std::uint32_t>{12, 13}));
  EXPECT_TRUE(f[3].daily);
  EXPECT_EQ(f[3].daily_start, 23 * sim::kHour);
  EXPECT_EQ(f[3].daily_length, 2 * sim::kHour);
  EXPECT_EQ(f[3].state, models::DeviceState::kUpdating);
  // Selectors intersect.
  EXPECT_EQ(f[4].devices, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(c.on_device_failure, models::FailurePolicy::kRetry);
  EXPECT_EQ(c.max_retries, 5u);

  // The batch is the same subset for the same seed, and differs for some other seed.
  const LoadResult again = load(j);
  EXPECT_EQ(again.scenario->fleet.lifecycle.failures[2].devices, f[2].devices);
  bool differs = false;
  for (int seed = 2; seed < 12 && !differs; ++seed) {
    j["seed"] = seed;
    differs = load(j).scenario->fleet.lifecycle.failures[2].devices != f[2].devices;
  }
  EXPECT_TRUE(differs);
}

TEST(Lifecycle, FleetEntriesGiveBatteriesProvisioningAndRetirementToTheirDevices) {
  json j = json::parse(kFleet);
  j["fleet"][0]["battery"] = json::parse(
      R"({ "capacity_wh": 40, "initial": 0.5, "plug_in": { "start": "22h", "end": "6h",
           "power_w": 15 } })");
  j["fleet"][1]["provisioning"] = "5m";
  j["fleet"][2]["retire_at"] = "1d";
  j["device_types"] = {{"jetson-nano", {{"accelerator_power_w", 4.5}}}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::LifecycleConfig& lc = r.scenario->fleet.lifecycle;
  ASSERT_EQ(lc.batteries.size(), 1u);
  EXPECT_EQ(lc.batteries[0].capacity_wh, 40.0);
  EXPECT_EQ(lc.batteries[0].initial_fraction, 0.5);
  EXPECT_EQ(lc.batteries[0].restart_fraction, 0.2);  // the default
  EXPECT_EQ(lc.batteries[0].plug_start, 22 * sim::kHour);
  EXPECT_EQ(lc.batteries[0].plug_end, 6 * sim::kHour);
  EXPECT_EQ(lc.batteries[0].plug_w, 15.0);
  ASSERT_EQ(lc.battery_of.size(), 14u);
  for (std::uint32_t d = 0; d < 14; ++d) {
    EXPECT_EQ(lc.battery_of[d], d < 8 ? 0u : models::LifecycleConfig::kNoBattery) << d;
    EXPECT_EQ(lc.provisioning[d], d >= 8 && d < 12 ? 5 * sim::kMinute : 0) << d;
    EXPECT_EQ(lc.retire_at[d], d >= 12 ? sim::kDay : sim::kTimeMax) << d;
  }
  EXPECT_EQ(r.scenario->fleet.types[1].accelerator_power_w, 4.5);
  // The resolved scenario records the defaults filled in.
  const json resolved = json::parse(r.scenario->resolved_json);
  EXPECT_EQ(resolved["fleet"][0]["battery"]["restart_at"], 0.2);
  EXPECT_EQ(resolved["on_device_failure"]["policy"], "lose");
}

TEST(Lifecycle, ADeviceTypesBatteryGoesToItsDevicesAndToTypesDerivedFromIt) {
  // rpi4 gets a 10 Wh battery; "solar-pi" derives from rpi4 and inherits it; the jetson entry
  // names its own; cloud VMs have none.
  json j = json::parse(kFleet);
  j["device_types"] = json::parse(
      R"({ "rpi4": { "battery": { "capacity_wh": 10 } },
           "solar-pi": { "base": "rpi4" } })");
  j["fleet"][0]["type"] = "solar-pi";
  j["fleet"][1]["battery"] = {{"capacity_wh", 30}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::LifecycleConfig& lc = r.scenario->fleet.lifecycle;
  ASSERT_EQ(lc.batteries.size(), 2u);
  EXPECT_EQ(lc.batteries[0].capacity_wh, 10.0);
  EXPECT_EQ(lc.batteries[1].capacity_wh, 30.0);
  for (std::uint32_t d = 0; d < 14; ++d) {
    const std::uint32_t want = d < 8 ? 0u : d < 12 ? 1u : models::LifecycleConfig::kNoBattery;
    EXPECT_EQ(lc.battery_of[d], want) << d;
  }
  const json resolved = json::parse(r.scenario->resolved_json);
  EXPECT_EQ(resolved["device_types"]["rpi4"]["battery"]["restart_at"], 0.2);
}

TEST(Lifecycle, AFailureTraceIsReplayedPerDeviceThroughARun) {
  // rpi4-edge-1-2 is down [1h, 1h30m) and from 3h to the end; cloud-vm-cloud-1 [2h, 2h10m).
  const auto dir = std::filesystem::temp_directory_path() / "edgetwin-device-trace-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "failures.csv") << "time,device,state\n"
                                         "# field log\n"
                                         "1h,rpi4-edge-1-2,down\n"
                                         "1h30m,rpi4-edge-1-2,up\n"
                                         "2h,cloud-vm-cloud-1,down\n"
                                         "7800,cloud-vm-cloud-1,up\n"
                                         "3h,rpi4-edge-1-2,down\n";
  json j = json::parse(kFleet);
  j["duration"] = "4h";
  j["outages"] = {{{"name", "log"}, {"kind", "device_trace"}, {"file", "failures.csv"}}};
  std::ofstream(dir / "s.json") << j.dump(2);
  const LoadResult r = load_scenario_file((dir / "s.json").string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& f = r.scenario->fleet.lifecycle.failures;
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].cause, FailureCause::kTrace);
  EXPECT_EQ(f[0].devices, (std::vector<std::uint32_t>{1, 12}));
  EXPECT_EQ(f[0].window_begin, (std::vector<std::uint32_t>{0, 2, 3}));

  models::Twin twin(r.scenario->fleet);
  sim::Engine engine(twin.lp_count());
  twin.start(engine);
  engine.run(twin, r.scenario->fleet.duration);
  twin.finish(engine.now());
  const models::FailureRecords& rec = twin.lifecycle()->failures();
  ASSERT_EQ(rec.size(), 3u);
  EXPECT_EQ(rec.device, (std::vector<std::uint32_t>{1, 12, 1}));
  EXPECT_EQ(rec.down_ns, (std::vector<sim::Time>{sim::kHour, 2 * sim::kHour, 3 * sim::kHour}));
  EXPECT_EQ(rec.up_ns, (std::vector<sim::Time>{90 * sim::kMinute, 130 * sim::kMinute,
                                               4 * sim::kHour}));
  EXPECT_EQ(twin.lifecycle()->state(1), models::DeviceState::kFailed);
  // No request of the trace's rpi4 started while it was down.
  const models::RequestRecords& q = twin.fleet().requests();
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q.device[i] != 1) continue;
    if (q.outcome[i] != static_cast<std::uint8_t>(models::RequestOutcome::kCompleted)) continue;
    const sim::Time t = q.start_ns[i];
    ASSERT_FALSE((t >= sim::kHour && t < 90 * sim::kMinute) || t >= 3 * sim::kHour) << t;
  }
}

TEST(Lifecycle, TheExampleScenarioRunsTheSameTwiceWithOneSeed) {
  const LoadResult r =
      load_scenario_file(testing::source_dir() + "/scenarios/examples/fleet-failures.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  models::FleetConfig c = r.scenario->fleet;
  c.duration = 12 * sim::kHour;
  auto run = [&] {
    auto twin = std::make_unique<models::Twin>(c);
    sim::Engine engine(twin->lp_count());
    engine.enable_fingerprint();
    twin->start(engine);
    engine.run(*twin, c.duration);
    twin->finish(engine.now());
    return std::make_pair(std::move(twin), engine.fingerprint());
  };
  const auto [a, fa] = run();
  const auto [b, fb] = run();
  EXPECT_EQ(fa, fb);
  EXPECT_EQ(a->lifecycle()->failures().down_ns, b->lifecycle()->failures().down_ns);
  EXPECT_EQ(a->lifecycle()->failures().device, b->lifecycle()->failures().device);
  EXPECT_EQ(a->fleet().device_stats().energy_j, b->fleet().device_stats().energy_j);
  EXPECT_EQ(a->fleet().latencies_ns(), b->fleet().latencies_ns());
  EXPECT_GT(a->lifecycle()->failures().size(), 0u);
}

}  // namespace
}  // namespace edgetwin::scenarios
