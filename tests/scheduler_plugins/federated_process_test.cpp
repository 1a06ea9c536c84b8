// The FL process in simulated time (scheduler_plugins/federated/process.h): round timing by hand
// on a tiny fleet, deadlines, over-selection, dropouts, FedBuff staleness, determinism, bad input.
#include "scheduler_plugins/federated/process.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <stdexcept>
#include <string>

namespace edgetwin::scheduler_plugins::federated {
namespace {

using models::FleetConfig;
using sim::kMillisecond;

// The tiny fleet of the hand computations: a cloud site (0, the server) and an edge site (1)
// joined by a 1 Mb/s, 10 ms link; devices at the edge on 100 Mb/s, 1 ms access links; no jitter.
// Everything travels as a flow (no fast path), so transfers share the site link max-min fairly.
// Device type i has one core of speed speeds[i] x the reference core, reference 1 MFLOP/s; its
// max power 5 W, idle 1 W. Device d has type d.
FleetConfig tiny_fleet(std::vector<double> speeds) {
  FleetConfig c;
  c.seed = 7;
  c.duration = sim::kHour;
  c.sample_interval = 0;
  c.sites = {{"cloud", "cloud"}, {"edge", "edge"}};
  for (std::size_t i = 0; i < speeds.size(); ++i) {
    models::DeviceType t;
    t.name = "board" + std::to_string(i);
    t.cores = 1;
    t.core_speed = speeds[i];
    t.idle_power_w = 1.0;
    t.max_power_w = 5.0;
    t.locality = "edge";
    c.types.push_back(t);
    c.devices.push_back({"d" + std::to_string(i), static_cast<std::uint32_t>(i), 1, {}});
    c.network.access.push_back({"", 100e6, 100e6, kMillisecond, sim::Distribution::constant(0)});
  }
  c.network.enabled = true;
  c.network.message_threshold_bytes = 0;
  c.network.links = {{1, 0, 1e6, 1e6, 10 * kMillisecond, sim::Distribution::constant(0)}};
  return c;
}

// 10 classes in 32 dimensions: softmax has 10 x 32 + 10 = 330 parameters, 1,320 bytes as
// float32; training costs 3 x 2 x 32 x 10 = 1,920 FLOPs per sample.
struct Data {
  explicit Data(std::uint32_t per_class, std::uint32_t clients)
      : train(synthetic_blobs(3, 10, 32, per_class, 2.0, 0)),
        test(synthetic_blobs(3, 10, 32, 20, 2.0, 1)),
        parts(partition(train, {PartitionKind::kIid, clients, 0.5, 2}, 1)) {}
  Dataset train, test;
  Partition parts;
};

FlSimConfig tiny_config(std::uint32_t per_round, std::uint32_t rounds) {
  FlSimConfig c;
  c.fl.rounds = rounds;
  c.fl.per_round = per_round;
  c.fl.local.batch_size = 10;
  c.fl.local.learning_rate = 0.05;
  c.fl.seed = 2;
  c.reference_core_flops = 1e6;
  return c;
}

// One microsecond: transfer ends are rounded to whole nanoseconds along the way.
constexpr double kTol = 1e-6;

TEST(FederatedProcess, ARoundOfTwoClientsTakesTheHandComputedTime) {
  // 300 samples IID over 2 clients: 150 each. Model 1,320 B = 10,560 bits.
  // Download: both flows share the 1 Mb/s site link, 0.5 Mb/s each (the 100 Mb/s access links
  // do not bind): 10,560 / 0.5e6 = 21.12 ms, + route latency 10 + 1 ms = 32.12 ms for both.
  // Training: 150 x 1,920 = 288,000 FLOPs; device 0 at 1 MFLOP/s: 288 ms, device 1 at 0.5: 576 ms.
  // Upload: alone on the link, 10,560 / 1e6 = 10.56 ms + 11 ms = 21.56 ms.
  // Client 0's update arrives at 32.12 + 288 + 21.56 = 341.68 ms, client 1's at
  // 32.12 + 576 + 21.56 = 629.68 ms: the round ends there; its critical path is client 1's.
  const Data d(30, 2);
  const FlSimMetrics m = simulate_federated(tiny_config(2, 1), tiny_fleet({1.0, 0.5}), d.train,
                                            d.parts, d.test);
  ASSERT_TRUE(m.completed);
  ASSERT_EQ(m.rounds.size(), 1u);
  const FlRoundMetrics& r = m.rounds[0];
  EXPECT_EQ(r.selected, 2u);
  EXPECT_EQ(r.updates, 2u);
  EXPECT_NEAR(r.end_s, 0.62968, kTol);
  EXPECT_NEAR(r.download_s, 0.03212, kTol);
  EXPECT_NEAR(r.train_s, 0.576, kTol);
  EXPECT_NEAR(r.upload_s, 0.02156, kTol);
  EXPECT_NEAR(r.waiting_s, 0.0, kTol);
  EXPECT_NEAR(r.mean_train_s, (0.288 + 0.576) / 2, kTol);
  EXPECT_EQ(r.bytes_down, 2u * 1320u);
  EXPECT_EQ(r.bytes_up, 2u * 1320u);
  EXPECT_TRUE(r.evaluated);
  // Training energy: 5 W x 0.288 s = 1.44 J on type 0, 5 W x 0.576 s = 2.88 J on type 1.
  EXPECT_NEAR(m.train_energy_j[0], 1.44, 1e-5);
  EXPECT_NEAR(m.train_energy_j[1], 2.88, 1e-5);
  EXPECT_EQ(m.participation, (std::vector<std::uint32_t>{1, 1}));
}

TEST(FederatedProcess, TheDeadlineDropsTheStragglerExactlyWhenItArrivesLater) {
  // Client 1's update arrives at 629.68 ms (above). A deadline 10 us earlier closes the round with
  // client 0's update only and drops client 1 as a straggler; the round waited
  // 629.67 - 341.68 = 287.99 ms for it after client 0's update. 10 us later: both are kept.
  const Data d(30, 2);
  FlSimConfig c = tiny_config(2, 1);
  c.round_deadline = sim::from_seconds(0.62967);
  FlSimMetrics m = simulate_federated(c, tiny_fleet({1.0, 0.5}), d.train, d.parts, d.test);
  ASSERT_EQ(m.rounds.size(), 1u);
  EXPECT_EQ(m.rounds[0].updates, 1u);
  EXPECT_EQ(m.rounds[0].stragglers, 1u);
  EXPECT_NEAR(m.rounds[0].end_s, 0.62967, 1e-9);
  EXPECT_NEAR(m.rounds[0].waiting_s, 0.62967 - 0.34168, kTol);
  EXPECT_EQ(m.participation, (std::vector<std::uint32_t>{1, 0}));
  c.round_deadline = sim::from_seconds(0.62969);
  m = simulate_federated(c, tiny_fleet({1.0, 0.5}), d.train, d.parts, d.test);
  EXPECT_EQ(m.rounds[0].updates, 2u);
  EXPECT_EQ(m.rounds[0].stragglers, 0u);
  EXPECT_NEAR(m.rounds[0].end_s, 0.62968, kTol);
}

TEST(FederatedProcess, OverSelectionKeepsTheFirstKToReport) {
  // K = 2, over-selection 0.4: ceil(2.8) = 3 clients (all of them) picked; 300 samples over 3
  // clients, 100 each: 192,000 FLOPs. Downloads share the link three ways:
  // 3 x 10,560 / 1e6 = 31.68 ms + 11 ms = 42.68 ms. Speeds 1, 0.5, 0.25: training 192, 384,
  // 768 ms. Client 0 arrives at 42.68 + 192 + 21.56 = 256.24 ms, client 1 at 448.24 ms: the
  // round closes with them and client 2 (still training) is cancelled as surplus.
  const Data d(30, 3);
  FlSimConfig c = tiny_config(2, 1);
  c.over_selection = 0.4;
  const FlSimMetrics m =
      simulate_federated(c, tiny_fleet({1.0, 0.5, 0.25}), d.train, d.parts, d.test);
  ASSERT_EQ(m.rounds.size(), 1u);
  const FlRoundMetrics& r = m.rounds[0];
  EXPECT_EQ(r.selected, 3u);
  EXPECT_EQ(r.updates, 2u);
  EXPECT_EQ(r.surplus, 1u);
  EXPECT_EQ(r.stragglers, 0u);
  EXPECT_NEAR(r.end_s, 0.44824, kTol);
  EXPECT_NEAR(r.download_s, 0.04268, kTol);
  EXPECT_EQ(m.participation, (std::vector<std::uint32_t>{1, 1, 0}));
  EXPECT_EQ(m.selections, (std::vector<std::uint32_t>{1, 1, 1}));
  // Client 2 trained from 42.68 ms until it was cancelled at 448.24 ms: 5 W x 0.40556 s.
  EXPECT_NEAR(m.train_energy_j[2], 5.0 * (0.44824 - 0.04268), 1e-5);
}

TEST(FederatedProcess, ADeviceFailingDuringTrainingDropsItsUpdate) {
  // Device 1 fails at 100 ms (down until 1 s) while it trains (32.12 .. 608.12 ms): its update
  // never arrives. The server learns of it at its next event (client 0's training ends at
  // 320.12 ms); the round closes when client 0's update arrives, at 341.68 ms, with one update.
  // Device 1's training energy stops at the failure: 5 W x (0.1 - 0.03212) s.
  const Data d(30, 2);
  FleetConfig fleet = tiny_fleet({1.0, 0.5});
  models::DeviceFailureConfig f;
  f.name = "crash";
  f.cause = models::FailureCause::kCrash;
  f.devices = {1};
  f.group_begin = {0, 1};
  f.windows = {{100 * kMillisecond, sim::kSecond}};
  fleet.lifecycle.failures = {f};
  const FlSimMetrics m = simulate_federated(tiny_config(2, 1), fleet, d.train, d.parts, d.test);
  ASSERT_EQ(m.rounds.size(), 1u);
  EXPECT_EQ(m.rounds[0].updates, 1u);
  EXPECT_EQ(m.rounds[0].dropped_failure, 1u);
  EXPECT_EQ(m.dropped_failure, 1u);
  EXPECT_NEAR(m.rounds[0].end_s, 0.34168, kTol);
  EXPECT_NEAR(m.train_energy_j[1], 5.0 * (0.1 - 0.03212), 1e-5);
  EXPECT_EQ(m.participation, (std::vector<std::uint32_t>{1, 0}));
}

TEST(FederatedProcess, ABatteryRunningEmptyDuringTrainingDropsItsUpdate) {
  // Device 1 runs on a 0.0002 Wh = 0.72 J battery: idle (1 W) until its download ends at
  // 32.12 ms (0.03212 J), then 5 W while training: empty after (0.72 - 0.03212) / 5 = 137.6 ms,
  // at 169.7 ms, before its training would end (608.12 ms). Counted as a battery dropout.
  const Data d(30, 2);
  FleetConfig fleet = tiny_fleet({1.0, 0.5});
  models::BatteryConfig b;
  b.capacity_wh = 0.0002;
  fleet.lifecycle.batteries = {b};
  fleet.lifecycle.battery_of = {models::LifecycleConfig::kNoBattery, 0};
  const FlSimMetrics m = simulate_federated(tiny_config(2, 1), fleet, d.train, d.parts, d.test);
  ASSERT_EQ(m.rounds.size(), 1u);
  EXPECT_EQ(m.rounds[0].updates, 1u);
  EXPECT_EQ(m.rounds[0].dropped_battery, 1u);
  EXPECT_EQ(m.rounds[0].dropped_failure, 0u);
  EXPECT_NEAR(m.train_energy_j[1], 5.0 * (0.72 - 0.03212) / 5.0, 1e-4);
}

TEST(FederatedProcess, FedBuffStalenessComesFromSimulatedArrivals) {
  // FedBuff, buffer 1, concurrency 2: every arrival publishes a model. Client 0's update arrives
  // at 341.68 ms (staleness 0) -> version 1; client 0 is dispatched again (client 1 is busy) and
  // downloads alone: 21.56 ms, trains 288 ms: back at 651.24 + 21.56 ms. Client 1's update,
  // dispatched at version 0, arrives at 629.68 ms when the version is 1: staleness 1.
  const Data d(30, 2);
  FlSimConfig c = tiny_config(1, 2);
  c.fl.strategy = "fedbuff";
  c.fl.strategy_params.buffer_size = 1;
  c.fl.strategy_params.max_concurrency = 2;
  const FlSimMetrics m = simulate_federated(c, tiny_fleet({1.0, 0.5}), d.train, d.parts, d.test);
  ASSERT_EQ(m.rounds.size(), 2u);
  EXPECT_NEAR(m.rounds[0].end_s, 0.34168, kTol);
  EXPECT_EQ(m.rounds[0].max_staleness, 0u);
  EXPECT_NEAR(m.rounds[1].end_s, 0.62968, kTol);
  EXPECT_EQ(m.rounds[1].max_staleness, 1u);
  EXPECT_NEAR(m.rounds[1].start_s, 0.34168, kTol);
  // Its critical path began before the round (dispatched at 0): no waiting.
  EXPECT_NEAR(m.rounds[1].waiting_s, 0.0, kTol);
  EXPECT_NEAR(m.rounds[1].train_s, 0.576, kTol);
  EXPECT_EQ(m.selections, (std::vector<std::uint32_t>{2, 1}));
  EXPECT_EQ(m.participation, (std::vector<std::uint32_t>{1, 1}));
}

// 16 devices of four speeds, Dirichlet data, random crashes, q8 compression.
FlSimMetrics mixed_run(const std::string& strategy, int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  const Dataset train = synthetic_blobs(5, 10, 32, 60, 1.5, 0);
  const Dataset test = synthetic_blobs(5, 10, 32, 20, 1.5, 1);
  const Partition p = partition(train, {PartitionKind::kDirichlet, 16, 0.5, 2}, 3);
  FleetConfig fleet = tiny_fleet(std::vector<double>(16, 1.0));
  for (std::size_t i = 0; i < 16; ++i) fleet.types[i].core_speed = 0.25 * double(1 + i % 4);
  fleet.network.links[0].ab_bps = 20e6;
  fleet.network.links[0].ba_bps = 20e6;
  models::DeviceFailureConfig f;
  f.name = "crash";
  f.random = true;
  f.mtbf_s = sim::Distribution::exponential(5.0);
  f.mttr_s = sim::Distribution::exponential(2.0);
  f.group_begin = {0};
  for (std::uint32_t dev = 0; dev < 16; ++dev) {
    f.devices.push_back(dev);
    f.group_begin.push_back(dev + 1);
  }
  fleet.lifecycle.failures = {f};
  FlSimConfig c = tiny_config(5, 12);
  c.fl.strategy = strategy;
  c.fl.strategy_params.buffer_size = 4;
  c.fl.strategy_params.max_concurrency = 6;
  c.fl.compression.kind = CompressionKind::kQuantize8;
  c.over_selection = 0.3;
  c.round_deadline = sim::from_seconds(1.5);
  return simulate_federated(c, fleet, train, p, test);
}

TEST(FederatedProcess, SameInputsGiveIdenticalMetricsAndModelWithOneOrTwoThreads) {
  for (const char* strategy : {"fedavg", "fedbuff"}) {
    const FlSimMetrics a = mixed_run(strategy, 1);
    const FlSimMetrics b = mixed_run(strategy, 2);
    const FlSimMetrics again = mixed_run(strategy, 2);
    ASSERT_TRUE(a.completed) << strategy;
    ASSERT_EQ(a.rounds.size(), 12u) << strategy;
    EXPECT_GT(a.dropped_failure, 0u) << strategy << ": the crashes must bite";
    for (const FlSimMetrics* o : {&b, &again}) {
      EXPECT_EQ(a.params, o->params) << strategy;
      EXPECT_EQ(a.participation, o->participation) << strategy;
      EXPECT_EQ(a.train_energy_j, o->train_energy_j) << strategy;
      EXPECT_EQ(a.events, o->events) << strategy;
      ASSERT_EQ(a.rounds.size(), o->rounds.size());
      for (std::size_t r = 0; r < a.rounds.size(); ++r) {
        EXPECT_EQ(a.rounds[r].end_s, o->rounds[r].end_s) << strategy << " round " << r;
        EXPECT_EQ(a.rounds[r].updates, o->rounds[r].updates);
        EXPECT_EQ(a.rounds[r].test.accuracy, o->rounds[r].test.accuracy);
        EXPECT_EQ(a.rounds[r].train_loss, o->rounds[r].train_loss);
      }
    }
  }
}

TEST(FederatedProcess, BadInputNamesTheField) {
  const Data d(30, 2);
  const FleetConfig fleet = tiny_fleet({1.0, 0.5});
  auto message = [&](FlSimConfig c, FleetConfig f) -> std::string {
    try {
      validate(c, f, d.parts);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  FlSimConfig c = tiny_config(2, 1);
  EXPECT_EQ(message(c, fleet), "");
  c.over_selection = -1;
  EXPECT_NE(message(c, fleet).find("over_selection: expected >= 0"), std::string::npos);
  c = tiny_config(2, 1);
  c.client_devices = {0, 5};
  EXPECT_NE(message(c, fleet).find("client_devices/1: device 5 out of 0..1"), std::string::npos);
  c.client_devices = {1, 1};
  EXPECT_NE(message(c, fleet).find("client_devices/1: device 1 already hosts a client"),
            std::string::npos);
  c = tiny_config(2, 1);
  c.server_site = 2;
  EXPECT_NE(message(c, fleet).find("server_site: site 2 out of 0..1"), std::string::npos);
  c = tiny_config(2, 1);
  c.round_deadline = -1;
  EXPECT_NE(message(c, fleet).find("round_deadline"), std::string::npos);
  c = tiny_config(3, 1);
  EXPECT_NE(message(c, fleet).find("per_round: 3 clients per round out of 2"), std::string::npos);
  FleetConfig no_net = fleet;
  no_net.network.enabled = false;
  EXPECT_NE(message(tiny_config(2, 1), no_net).find("network:"), std::string::npos);
  const Data three(30, 3);
  EXPECT_THROW(simulate_federated(tiny_config(2, 1), fleet, three.train, three.parts, three.test),
               std::invalid_argument);  // 3 clients, 2 devices
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::federated
