// The lifecycle's part of the results: /events/failures, /device_types, energy per site and
// type, the lifecycle series and summary keys, written and read back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "small_run.h"

namespace edgetwin::analysis {
namespace {

TEST(LifecycleResults, FailuresEnergyAndAvailabilityAreWrittenAndReadBack) {
  // The small run's fleet; pi-0 (device 1) is failed over [5 s, 15 s) of 20 s, and the policy
  // retries its work. Power: small 2 W idle, 4 W busy; big 10 W idle, 50 W busy.
  scenarios::Scenario scenario = testing::small_scenario();
  models::FleetConfig& c = scenario.fleet;
  c.types[0].idle_power_w = 2.0;
  c.types[0].max_power_w = 4.0;
  c.types[1].idle_power_w = 10.0;
  c.types[1].max_power_w = 50.0;
  models::DeviceFailureConfig f;
  f.name = "pi-crash";
  f.devices = {1};
  f.group_begin = {0, 1};
  f.windows = {{5 * sim::kSecond, 15 * sim::kSecond}};
  c.lifecycle.failures = {f};
  c.on_device_failure = models::FailurePolicy::kRetry;
  models::Twin twin(c);
  sim::Engine engine(twin.lp_count());
  twin.start(engine);
  const sim::RunStats stats = engine.run(twin, c.duration);
  twin.finish(engine.now());
  RunInfo info;
  info.version = "test";
  info.seed = c.seed;
  info.wall_seconds = stats.wall_seconds;
  info.events = engine.events_handled();
  info.end_time = engine.now();
  info.event_list = "ladder";
  info.scenario = scenario.name;
  const Summary s = summarize(twin, info);

  const auto path = (std::filesystem::temp_directory_path() /
                     ("edgetwin-lifecycle-" + std::to_string(::getpid()) + ".h5"))
                        .string();
  write_results(path, scenario, twin, info, s);
  const ResultFile file = read_results(path);
  std::filesystem::remove(path);

  const Table& failures = file.events.at("failures");
  ASSERT_EQ(failures.rows, 1u);
  EXPECT_EQ(failures.text.at("name")[0], "pi-0");
  EXPECT_EQ(failures.text.at("cause")[0], "crash");
  EXPECT_EQ(failures.text.at("process")[0], "pi-crash");
  EXPECT_EQ(failures.integer.at("down_ns")[0], 5 * sim::kSecond);
  EXPECT_EQ(failures.integer.at("up_ns")[0], 15 * sim::kSecond);

  // Availability: pi-0 online 10 s of 20 s; the small type 30 of 40 device-seconds.
  EXPECT_DOUBLE_EQ(file.devices.numeric.at("availability")[1], 0.5);
  EXPECT_DOUBLE_EQ(file.devices.numeric.at("online_s")[1], 10.0);
  const Table& types = file.device_types;
  ASSERT_EQ(types.rows, 2u);
  EXPECT_EQ(types.text.at("name"), (std::vector<std::string>{"small", "big"}));
  EXPECT_DOUBLE_EQ(types.numeric.at("online_s")[0], 30.0);
  EXPECT_DOUBLE_EQ(types.numeric.at("failed_s")[0], 10.0);
  EXPECT_DOUBLE_EQ(types.numeric.at("availability")[0], 0.75);
  EXPECT_DOUBLE_EQ(s.get("availability.small"), 0.75);
  EXPECT_DOUBLE_EQ(s.get("availability"), 50.0 / 60.0);
  EXPECT_EQ(s.get("failures"), 1.0);
  EXPECT_EQ(s.get("requests_retried"), static_cast<double>(twin.fleet().retried()));
  EXPECT_EQ(s.get("requests_lost"), 0.0);  // one retry is allowed and pi-1 is always up

  // Energy by type and site add up the devices' energy; the failed device drew nothing for 10 s,
  // so it is below 2 W * 10 s + 4 W * 10 s = 60 J and at least its idle 2 W * 10 s = 20 J.
  const auto& e = twin.fleet().device_stats().energy_j;
  EXPECT_GE(e[1], 20.0);
  EXPECT_LE(e[1], 60.0);
  EXPECT_DOUBLE_EQ(types.numeric.at("energy_j")[0], e[1] + e[2]);
  EXPECT_DOUBLE_EQ(file.sites.numeric.at("energy_j")[1], e[1] + e[2]);
  EXPECT_DOUBLE_EQ(s.get("energy_kwh.site.edge-1"), (e[1] + e[2]) / 3.6e6);
  EXPECT_DOUBLE_EQ(s.get("energy_kwh.big"), e[0] / 3.6e6);
  EXPECT_EQ(file.summary.at("failures"), 1.0);

  const Table& online = file.timeseries.at("devices_online");
  const Table& failed = file.timeseries.at("devices_failed");
  for (std::size_t i = 0; i < online.rows; ++i) {
    const double t = online.numeric.at("time_ns")[i] * 1e-9;
    const bool down = t >= 5.0 && t < 15.0;
    EXPECT_EQ(online.numeric.at("value")[i], down ? 2.0 : 3.0) << t;
    EXPECT_EQ(failed.numeric.at("value")[i], down ? 1.0 : 0.0) << t;
  }
}

}  // namespace
}  // namespace edgetwin::analysis
