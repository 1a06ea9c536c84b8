// The rollout controller in simulated time (controller.h): downloads over the max-min network,
// install / reboot / health-check timings, boot loops, offline devices, a canary catching a bad
// version, the abort threshold, and determinism. Every expected value is worked out by hand in
// the comment above its assertion.
#include <gtest/gtest.h>

#include <cstdlib>

#include "allocation_counter.h"
#include "rollout_test_util.h"
#include "scheduler_plugins/rollout/controller.h"

namespace edgetwin::scheduler_plugins::rollout {
namespace {

using sim::kSecond;
using testing::strategy;

constexpr double kMB = 1e6;
// Times from the flow model are rounded up to the nanosecond: equal within 10 ns.
#define EXPECT_TIME(got, want) EXPECT_LE(std::llabs((got) - (want)), 10) << "got " << (got) << " ns"

// cloud (node 0, the registry) -- backhaul 24 Mbps (3 MB/s), no latency -- site (node 1) --
// one 1 Gbps access link per device (nodes 2..). Links 0/1 are the backhaul (cloud -> site is 0).
struct Fleet {
  network::Topology topology;
  std::vector<SimDevice> devices;
};
Fleet star(std::uint32_t n, double backhaul_bps = 24e6) {
  Fleet f;
  const network::NodeId cloud = f.topology.add_node("cloud");
  const network::NodeId site = f.topology.add_node("site");
  f.topology.add_link(cloud, site, backhaul_bps, backhaul_bps, 0);
  for (std::uint32_t i = 0; i < n; ++i) {
    SimDevice d;
    d.node = f.topology.add_node("dev-" + std::to_string(i));
    d.access_link = f.topology.add_link(d.node, site, 1e9, 1e9, 0).first;
    d.type = "rpi4";
    d.arch = "arm64";
    d.installed = {{"firmware", "1.0"}};
    f.devices.push_back(std::move(d));
  }
  return f;
}

// firmware 2.0 for every device: `bytes` for any architecture.
UpdateModel firmware(std::int64_t bytes) {
  UpdateModel m;
  m.manifest.groups.push_back({"all", {}, {{"firmware", "2.0", {{"", bytes}}}}});
  return m;
}

ControllerOptions options() {
  ControllerOptions o;
  o.seed = 7;
  o.watched_links = {0};
  return o;
}

RolloutMetrics run(const Fleet& f, const UpdateModel& m, std::string_view name,
                   const std::vector<std::pair<std::string, std::string>>& params,
                   ControllerOptions o = options(), std::vector<OfflinePeriod> offline = {}) {
  auto s = strategy(name, params);
  RolloutSim simulation(f.topology, {}, m, f.devices, std::move(offline), std::move(o), *s);
  return simulation.run();
}

TEST(RolloutController, ThreeDownloadsShareOneBackhaulMaxMinThenInstallRebootAndCheck) {
  Fleet f = star(3);
  f.devices[1].arch = "amd64";
  f.devices[2].arch = "riscv";
  UpdateModel m;
  m.manifest.groups.push_back(
      {"all",
       {},
       {{"firmware", "2.0", {{"arm64", 3'000'000}, {"amd64", 6'000'000}, {"riscv", 9'000'000}}}}});
  const RolloutMetrics r = run(f, m, "all-at-once", {});
  // Max-min over the 3 MB/s backhaul: three flows get 1 MB/s each; the 3 MB one ends at 3 s.
  // Then two flows get 1.5 MB/s: the 6 MB one has 3 MB left -> 2 s more, ends at 5 s; the 9 MB
  // one has 9 - 3 - 3 = 3 MB left at 5 s and alone at 3 MB/s ends at 6 s.
  ASSERT_EQ(r.downloaded.size(), 3u);
  EXPECT_TIME(r.downloaded[0], 3 * kSecond);
  EXPECT_TIME(r.downloaded[1], 5 * kSecond);
  EXPECT_TIME(r.downloaded[2], 6 * kSecond);
  // Then install 60 s + reboot 30 s + health check 60 s (the defaults): done at +150 s.
  EXPECT_TIME(r.finished[0], 153 * kSecond);
  EXPECT_TIME(r.finished[1], 155 * kSecond);
  EXPECT_TIME(r.finished[2], 156 * kSecond);
  // 50 % of 3 = 1.5 -> the 2nd success (155 s); 90 % and 99 % -> the 3rd (156 s).
  EXPECT_TIME(r.time_to_50, 155 * kSecond);
  EXPECT_TIME(r.time_to_90, 156 * kSecond);
  EXPECT_TIME(r.time_to_99, 156 * kSecond);
  EXPECT_EQ(r.succeeded, 3u);
  EXPECT_EQ(r.verdict, Verdict::kCompleted);
  EXPECT_TIME(r.end, 156 * kSecond);
  // Each device serves except during install + reboot (90 s; it serves while checked):
  // serving device-seconds over [0, 156] = 3 x 156 - 3 x 90 = 198 -> 198 / 468.
  EXPECT_NEAR(r.mean_availability, 198.0 / 468.0, 1e-6);
  // All three are down over [6 s, 93 s): the minimum is 0.
  EXPECT_DOUBLE_EQ(r.min_availability, 0.0);
  // Bytes over the backhaul: 3 + 6 + 9 MB; it was full while downloads ran.
  ASSERT_EQ(r.links.size(), 1u);
  EXPECT_NEAR(r.links[0].bytes, 18 * kMB, 1.0);
  EXPECT_NEAR(r.links[0].peak_utilisation, 1.0, 1e-9);
  // Version mix and serving devices, a row at each change: a device stops serving when its
  // download ends (3, 5, 6 s), serves again after install + reboot (93, 95, 96 s) while it is
  // checked, and is on 2.0 after the check (153, 155, 156 s). (Download ends fall on whole
  // seconds here: 3 MB at exactly 1 MB/s.)
  using S = RolloutMetrics::Sample;
  const std::vector<S> mix = {{0, 0, 3, 3},
                              {3 * kSecond, 0, 3, 2},
                              {5 * kSecond, 0, 3, 1},
                              {6 * kSecond, 0, 3, 0},
                              {93 * kSecond, 0, 3, 1},
                              {95 * kSecond, 0, 3, 2},
                              {96 * kSecond, 0, 3, 3},
                              {153 * kSecond, 1, 2, 3},
                              {155 * kSecond, 2, 1, 3},
                              {156 * kSecond, 3, 0, 3}};
  EXPECT_EQ(r.mix, mix);
  EXPECT_EQ(r.blast_radius, 3u);
  EXPECT_EQ(r.time_to_abort, -1);
}

TEST(RolloutController, BandwidthWavesCapDownloadsPerSiteBackhaul) {
  // Two sites, each behind its own 3 MB/s backhaul, two devices each, 3 MB
  // images, at most one download per site (bandwidth-waves, groups = sites). Per site: the first
  // download takes 1 s alone; the second starts when it ends and takes 1 s: downloads end at 1 and
  // 2 s, the site is done at ceil(n/k) d + i = 2 x 1 + 150 = 152 s.
  network::Topology topology;
  const network::NodeId cloud = topology.add_node("cloud");
  std::vector<SimDevice> devices;
  ControllerOptions o = options();
  o.utc_offset_minutes = {0, 0};
  o.watched_links.clear();
  for (std::uint32_t s = 0; s < 2; ++s) {
    const network::NodeId site = topology.add_node("site-" + std::to_string(s));
    o.watched_links.push_back(topology.add_link(cloud, site, 24e6, 24e6, 0).first);
    for (int i = 0; i < 2; ++i) {
      SimDevice d;
      d.node = topology.add_node("dev");
      d.access_link = topology.add_link(d.node, site, 1e9, 1e9, 0).first;
      d.site = s;
      d.installed = {{"firmware", "1.0"}};
      devices.push_back(std::move(d));
    }
  }
  // Link ids: site 0 backhaul 0/1, its access links 2..5, site 1 backhaul 6/7.
  EXPECT_EQ(o.watched_links, (std::vector<network::LinkId>{0, 6}));
  auto s = strategy("bandwidth-waves", {{"max_downloads_per_group", "1"}});
  RolloutSim simulation(topology, {}, firmware(3'000'000), devices, {}, o, *s);
  const RolloutMetrics& r = simulation.run();
  for (std::uint32_t t : {0u, 2u}) {
    EXPECT_TIME(r.downloaded[t], 1 * kSecond);
    EXPECT_TIME(r.downloaded[t + 1], 2 * kSecond);
    EXPECT_TIME(r.finished[t + 1], 152 * kSecond);
  }
  ASSERT_EQ(r.links.size(), 2u);
  for (const auto& link : r.links) {
    EXPECT_NEAR(link.bytes, 6 * kMB, 1.0);  // two 3 MB images per site
    EXPECT_NEAR(link.peak_utilisation, 1.0, 1e-9);
  }
  EXPECT_TIME(r.end, 152 * kSecond);
}

TEST(RolloutController, BootLoopFallsBackToThePreviousSlotAndKeepsTheOldVersion) {
  Fleet f = star(1);
  UpdateModel m = firmware(3'000'000);
  m.failures.fallback.boot_loop = 1.0;
  auto s = strategy("all-at-once", {});
  RolloutSim simulation(f.topology, {}, m, f.devices, {}, options(), *s);
  const RolloutMetrics& r = simulation.run();
  // Download 3 MB at 3 MB/s: 1 s. Install 60, reboot 30, health check 60 (detects the loop),
  // fallback reboot 30: failed at 1 + 180 = 181 s; down (not serving) for those 180 s.
  EXPECT_TIME(r.finished[0], 181 * kSecond);
  EXPECT_TIME(r.time_to_detect, 181 * kSecond);
  EXPECT_EQ(r.boot_loops, 1u);
  EXPECT_EQ(r.succeeded, 0u);
  EXPECT_EQ(simulation.controller().installed(0), (Versions{{"firmware", "1.0"}}));
  EXPECT_EQ(simulation.controller().device_state(0), models::DeviceState::kOnline);
  // Serving 1 s of 181: 1 / 181.
  EXPECT_NEAR(r.mean_availability, 1.0 / 181.0, 1e-9);
  EXPECT_EQ(r.mix.back(), (RolloutMetrics::Sample{r.finished[0], 0, 1, 1}));
}

TEST(RolloutController, BrickedDeviceIsDownUntilRepairedByHand) {
  Fleet f = star(1);
  UpdateModel m = firmware(3'000'000);
  m.failures.fallback.bricked = 1.0;
  m.default_times.repair_s = sim::Distribution::constant(3600.0);
  auto s = strategy("all-at-once", {});
  // Bricked after download 1 s + install 60 + reboot 30 = 91 s, when the strategy completes.
  RolloutSim stops(f.topology, {}, m, f.devices, {}, options(), *s);
  const RolloutMetrics& r = stops.run();
  EXPECT_TIME(r.finished[0], 91 * kSecond);
  EXPECT_EQ(r.bricked, 1u);
  EXPECT_EQ(r.repaired, 0u);
  EXPECT_EQ(stops.controller().device_state(0), models::DeviceState::kFailed);
  // Run past completion: repaired by hand at 91 + 3600 s, back online on 1.0. Serving 1 s of
  // 3691 (it served while downloading, then not until repaired).
  RolloutSim goes_on(f.topology, {}, m, f.devices, {}, options(), *s);
  const RolloutMetrics& g = goes_on.run(sim::kTimeMax, /*past_completion=*/true);
  EXPECT_EQ(g.repaired, 1u);
  EXPECT_EQ(goes_on.controller().device_state(0), models::DeviceState::kOnline);
  EXPECT_EQ(goes_on.controller().installed(0), (Versions{{"firmware", "1.0"}}));
  EXPECT_EQ(g.mix.back(), (RolloutMetrics::Sample{3691 * kSecond, 0, 1, 1}));
  EXPECT_NEAR(g.mean_availability, 1.0 / 3691.0, 1e-9);
  EXPECT_DOUBLE_EQ(g.min_availability, 0.0);
}

TEST(RolloutController, OfflineDeviceIsQueuedAndUpdatesOnReconnect) {
  Fleet f = star(2);
  const UpdateModel m = firmware(3'000'000);
  // Device 0 is offline over [0, 100 s). Device 1 downloads alone from 0: 1 s, done at 151 s.
  // Device 0 is queued (pending in the metrics until then), downloads from 100 s alone: 1 s,
  // then 150 s: done at 251 s.
  const RolloutMetrics r = run(f, m, "all-at-once", {}, options(), {{0, 0, 100 * kSecond}});
  EXPECT_TIME(r.finished[1], 151 * kSecond);
  EXPECT_TIME(r.downloaded[0], 101 * kSecond);
  EXPECT_TIME(r.finished[0], 251 * kSecond);
  EXPECT_EQ(r.succeeded, 2u);
  EXPECT_EQ(r.pending_at_end, 0u);
  // With a 60 s offline timeout it times out at 60 s instead; nothing pending at the end.
  ControllerOptions o = options();
  o.offline_timeout = 60 * kSecond;
  const RolloutMetrics t = run(f, m, "all-at-once", {}, o, {{0, 0, 100 * kSecond}});
  EXPECT_EQ(t.timed_out, 1u);
  EXPECT_EQ(t.finished[0], 60 * kSecond);
  EXPECT_EQ(t.succeeded, 1u);
  // Cut off at 50 s, the offline device is still reported pending (queued).
  auto s = strategy("all-at-once", {});
  RolloutSim cut(f.topology, {}, m, f.devices, {{0, 0, 100 * kSecond}}, options(), *s);
  EXPECT_EQ(cut.run(50 * kSecond).pending_at_end, 1u);
}

TEST(RolloutController, DownloadParksOverAnOutageAndResumesOrFails) {
  Fleet f = star(1);
  const UpdateModel m = firmware(6'000'000);
  // 6 MB at 3 MB/s: 3 MB by 1 s, when the device goes offline until 11 s; the resumable download
  // keeps its bytes and needs 1 s more: arrives at 12 s, done at 162 s.
  const RolloutMetrics r =
      run(f, m, "all-at-once", {}, options(), {{0, 1 * kSecond, 11 * kSecond}});
  EXPECT_TIME(r.downloaded[0], 12 * kSecond);
  EXPECT_TIME(r.finished[0], 162 * kSecond);
  EXPECT_NEAR(r.links[0].bytes, 6 * kMB, 1.0);
  // Not resumable: the download fails at 1 s, after 3 MB.
  ControllerOptions o = options();
  o.resumable_downloads = false;
  const RolloutMetrics x = run(f, m, "all-at-once", {}, o, {{0, 1 * kSecond, 11 * kSecond}});
  EXPECT_EQ(x.download_interrupted, 1u);
  EXPECT_EQ(x.finished[0], 1 * kSecond);
  EXPECT_EQ(x.time_to_detect, 1 * kSecond);
  EXPECT_NEAR(x.links[0].bytes, 3 * kMB, 1.0);
}

TEST(RolloutController, DeviceThatFailsMidInstallResumesOrRollsBackOnRecovery) {
  Fleet f = star(1);
  const UpdateModel m = firmware(3'000'000);
  // Download ends at 1 s; the install (60 s) is cut at 31 s by an outage until 100 s.
  // Resume: the install starts again at 100 s: 100 + 60 + 30 + 60 = 250 s.
  const RolloutMetrics r =
      run(f, m, "all-at-once", {}, options(), {{0, 31 * kSecond, 100 * kSecond}});
  EXPECT_TIME(r.finished[0], 250 * kSecond);
  EXPECT_EQ(r.recovered, 1u);
  EXPECT_EQ(r.succeeded, 1u);
  // Roll back: one reboot to the previous slot (30 s) from 100 s: failed at 130 s.
  ControllerOptions o = options();
  o.on_recovery = OnRecovery::kRollBack;
  const RolloutMetrics b = run(f, m, "all-at-once", {}, o, {{0, 31 * kSecond, 100 * kSecond}});
  EXPECT_TIME(b.finished[0], 130 * kSecond);
  EXPECT_EQ(b.succeeded, 0u);
  EXPECT_EQ(b.boot_loops, 0u);
}

TEST(RolloutController, CanaryCatchesABadVersionWithinItsCanaryDevices) {
  Fleet f = star(10);
  UpdateModel m = firmware(3'000'000);
  m.failures.rules.push_back({"2.0", "", {0.0, 0.0, 1.0, 0.0}});  // 2.0 always boot-loops
  const RolloutMetrics r =
      run(f, m, "canary",
          {{"step_weight", "10"}, {"max_weight", "50"}, {"interval", "1m"}, {"threshold", "1"}});
  // Weight 10 % of 10 = 1 canary device, started at 0: download 1 s, boot loop detected and
  // fallen back at 1 + 180 = 181 s. Checks run every minute: at 60 and 120 and 180 s nothing has
  // finished (passes, but the weight is still in progress); the check at 240 s sees 1 failed of 1
  // finished (100 > 0 %): the first failed check reaches threshold 1 -> abort with rollback.
  EXPECT_EQ(r.verdict, Verdict::kAborted);
  EXPECT_EQ(r.time_to_abort, 240 * kSecond);
  EXPECT_TIME(r.time_to_detect, 181 * kSecond);
  // Blast radius: the canary's one device received 2.0; the other 9 were canceled.
  EXPECT_EQ(r.blast_radius, 1u);
  EXPECT_EQ(r.canceled, 9u);
  EXPECT_EQ(r.boot_loops, 1u);
  EXPECT_EQ(r.mix.back().on_new, 0u);
  EXPECT_NEAR(r.links[0].bytes, 3 * kMB, 1.0);
}

TEST(RolloutController, AbortWithRollbackRevertsSucceededDevicesToTheirOldVersion) {
  // blue-green: all green targets start; one fails (type "bad": install fails) -> abort with
  // rollback once all are terminal; the succeeded one reboots into its old slot.
  Fleet f = star(2);
  f.devices[1].type = "bad";
  UpdateModel m = firmware(0);  // nothing to download: install begins at 0
  m.failures.rules.push_back({"", "bad", {0.0, 1.0, 0.0, 0.0}});
  auto s = strategy("blue-green", {});
  RolloutSim simulation(f.topology, {}, m, f.devices, {}, options(), *s);
  const RolloutMetrics& r = simulation.run();
  // Device 0 succeeds at 150 s, device 1's install fails at 60 s; at 150 s all are terminal and
  // blue-green aborts with rollback: device 0 reboots (30 s) back to 1.0.
  EXPECT_EQ(r.time_to_abort, 150 * kSecond);
  EXPECT_EQ(r.rolled_back, 1u);
  EXPECT_EQ(r.install_failed, 1u);
  EXPECT_EQ(simulation.controller().installed(0), (Versions{{"firmware", "1.0"}}));
  EXPECT_EQ(r.mix.back(), (RolloutMetrics::Sample{180 * kSecond, 0, 2, 2}));
}

TEST(RolloutController, ExponentialWavesAbortExactlyAtTheFailureThreshold) {
  // 20 targets, one notified per second (maximum_per_minute 60), nothing to download, install
  // 10 s, no reboot or check: target i ends at i + 10 s. Targets 3 and 4 are "bad" (install
  // fails). At 14 s the 5th execution ends: 2 failures of 5 executed = 40 %.
  Fleet f = star(20);
  f.devices[3].type = f.devices[4].type = "bad";
  UpdateModel m = firmware(0);
  m.failures.rules.push_back({"", "bad", {0.0, 1.0, 0.0, 0.0}});
  UpdateTimes fast;
  fast.install_s = sim::Distribution::constant(10.0);
  fast.reboot_s = fast.health_check_s = sim::Distribution::constant(0.0);
  m.default_times = fast;
  const auto params = [](const char* percent) {
    return std::vector<std::pair<std::string, std::string>>{{"maximum_per_minute", "60"},
                                                            {"abort_failure_type", "FAILED"},
                                                            {"abort_threshold_percent", percent},
                                                            {"abort_min_executed", "5"}};
  };
  // 40 % >= 40 %: abort at 14 s, decided before target 14's notification is due at that
  // instant: targets 0..13 were notified and finish (2 failed, 12 succeed), 14..19 canceled.
  const RolloutMetrics at = run(f, m, "exponential-waves", params("40"));
  EXPECT_EQ(at.verdict, Verdict::kAborted);
  EXPECT_EQ(at.time_to_abort, 14 * kSecond);
  EXPECT_EQ(at.canceled, 6u);
  EXPECT_EQ(at.succeeded, 12u);
  EXPECT_EQ(at.install_failed, 2u);
  // 40 % < 40.01 %, and later shares only fall (2 of 6, 7, ...): never aborts.
  const RolloutMetrics below = run(f, m, "exponential-waves", params("40.01"));
  EXPECT_EQ(below.verdict, Verdict::kCompleted);
  EXPECT_EQ(below.succeeded, 18u);
  EXPECT_EQ(below.time_to_abort, -1);
  // The 20th target is notified at 19 s and ends at 29 s.
  EXPECT_EQ(below.end, 29 * kSecond);
}

TEST(RolloutController, InProgressTimeoutCancelsTheDownloadOrAbandonsTheInstall) {
  Fleet f = star(1);
  const std::vector<std::pair<std::string, std::string>> params = {{"maximum_per_minute", "60"},
                                                                   {"in_progress_timeout", "1m"}};
  // 600 MB at 3 MB/s would take 200 s: AWS's timer starts when the attempt runs (0 s), so it is
  // timed out at 60 s with 180 MB sent; the transfer is cancelled and the link credited with
  // what it carried.
  const RolloutMetrics d = run(f, firmware(600'000'000), "exponential-waves", params);
  EXPECT_EQ(d.timed_out, 1u);
  EXPECT_EQ(d.finished[0], 60 * kSecond);
  EXPECT_EQ(d.downloaded[0], -1);
  EXPECT_NEAR(d.links[0].bytes, 180 * kMB, 1.0);
  EXPECT_EQ(d.blast_radius, 0u);
  // 3 MB arrive at 1 s; a 10 min install is abandoned at 60 s: the device was updating (not
  // serving) over [1 s, 60 s) and is back on its old slot, serving: availability 1 / 60.
  UpdateModel m = firmware(3'000'000);
  m.default_times.install_s = sim::Distribution::constant(600.0);
  auto s = strategy("exponential-waves", params);
  RolloutSim simulation(f.topology, {}, m, f.devices, {}, options(), *s);
  const RolloutMetrics& i = simulation.run();
  EXPECT_EQ(i.finished[0], 60 * kSecond);
  EXPECT_EQ(i.timed_out, 1u);
  EXPECT_EQ(simulation.controller().device_state(0), models::DeviceState::kOnline);
  EXPECT_EQ(simulation.controller().installed(0), (Versions{{"firmware", "1.0"}}));
  EXPECT_NEAR(i.mean_availability, 1.0 / 60.0, 1e-9);
}

TEST(RolloutController, SameSeedSameMetricsAndAnotherSeedDiffers) {
  Fleet f = star(60, 100e6);
  UpdateModel m = firmware(5'000'000);
  m.failures.fallback = {0.05, 0.05, 0.1, 0.02};
  m.default_times.install_s = sim::Distribution::exponential(60.0);
  m.default_times.repair_s = sim::Distribution::constant(600.0);
  std::vector<OfflinePeriod> offline;
  for (std::uint32_t d = 0; d < 60; d += 7) offline.push_back({d, d * kSecond, (d + 90) * kSecond});
  const auto once = [&](std::uint64_t seed) {
    ControllerOptions o = options();
    o.seed = seed;
    return run(f, m, "rolling", {{"max_surge", "10%"}, {"max_unavailable", "10%"}}, o, offline);
  };
  // Failures stall the rolling update (Kubernetes does not roll back): it ends paused, after
  // progress_deadline; the run ends when nothing more can happen.
  const RolloutMetrics a = once(11), b = once(11), c = once(12);
  EXPECT_EQ(a.verdict, Verdict::kPaused);
  EXPECT_EQ(a.mix, b.mix);
  EXPECT_EQ(a.finished, b.finished);
  EXPECT_EQ(a.downloaded, b.downloaded);
  EXPECT_EQ(a.links, b.links);
  EXPECT_EQ(a.boot_loops, b.boot_loops);
  EXPECT_EQ(a.time_to_50, b.time_to_50);
  EXPECT_NE(a.finished, c.finished);
}

// Allocations over a whole run (engine, network and controller), construction excluded. The
// devices share one node, hence one route: the flow model allocates a rate class (and its route)
// for each distinct route it has not seen, about two allocations per transfer when every device
// has its own (seen with gdb: FlowModel::start and find_or_make_class), which would hide the
// controller's own.
long allocations_for(std::uint32_t n) {
  Fleet f = star(1, 1e9);
  f.devices.resize(n, f.devices[0]);
  UpdateModel m = firmware(1'000'000);
  m.failures.fallback = {0.0, 0.05, 0.05, 0.0};
  auto s = strategy("rolling", {{"max_surge", "10%"}, {"max_unavailable", "10%"}});
  RolloutSim simulation(f.topology, {}, m, f.devices, {}, options(), *s);
  test::start_counting_allocations();
  const RolloutMetrics& r = simulation.run();
  const long counted = test::stop_counting_allocations();
  EXPECT_GT(r.succeeded, n / 2);
  return counted;
}

TEST(RolloutController, NoAllocationPerUpdate) {
  // Buffers grow (the ladder event list's buckets, most of them; transfer records, metric
  // rows), so 4x the devices costs some more growth steps (about 160 here: 0.1 per added
  // device), not 1,500 or more (one allocation per update, or per event, would).
  const long small = allocations_for(500), large = allocations_for(2000);
  EXPECT_LT(large - small, 300) << small << " -> " << large;
}

TEST(RolloutController, InconsistentInputIsRefusedWithTheDeviceNamed) {
  Fleet f = star(2);
  UpdateModel m;
  m.manifest.groups.push_back({"all", {}, {{"firmware", "2.0", {{"amd64", 10}}}}});
  auto s = strategy("all-at-once", {});
  try {
    RolloutSim simulation(f.topology, {}, m, f.devices, {}, options(), *s);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("device 0 (rpi4, arm64): no artifact of 'firmware'"),
              std::string::npos)
        << e.what();
  }
  const UpdateModel ok = firmware(10);
  f.devices[1].site = 3;  // one site (UTC offsets) given
  try {
    RolloutSim simulation(f.topology, {}, ok, f.devices, {}, options(), *s);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("target 1: site 3 of 1 sites"), std::string::npos)
        << e.what();
  }
  f.devices[1].site = 0;
  EXPECT_THROW(RolloutSim(f.topology, {}, ok, f.devices, {{5, 0, 10}}, options(), *s),
               std::invalid_argument);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::rollout
