// Each edge plug-in's filter and score on hand-computed nodes (arithmetic in the comments; integer
// division as in the framework's normalization), and the site table filled from a real Network.
#include "scheduler_plugins/placement/edge_plugins.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "allocation_counter.h"
#include "models/device_catalog.h"
#include "network/network.h"
#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

using sim::kMillisecond;
using sim::kSecond;

// Normalized scores of `plugin` over `nodes`, as one framework cycle computes them.
std::vector<std::int64_t> normalized(Plugin& plugin, const NodeTable& t, const PodSpec& pod,
                                     const std::vector<int>& nodes) {
  EXPECT_TRUE(plugin.pre_filter(t, pod));
  plugin.pre_score(t, pod, nodes);
  std::vector<std::int64_t> s;
  for (int n : nodes) s.push_back(plugin.score(t, pod, n));
  plugin.normalize_score(s);
  return s;
}

NodeSpec at_site(const std::string& site) {
  NodeSpec spec;
  spec.cpu_milli = 4000;
  spec.memory_bytes = 4LL << 30;
  spec.site = site;
  return spec;
}

// Sites edge-a (0), edge-b (1), cloud (2), island (3, reached by nobody).
NodeTable three_sites() {
  NodeTable t;
  for (const char* s : {"edge-a", "edge-b", "cloud", "island"}) t.add_site(s);
  return t;
}

// edge-a <-> edge-b: 10 ms, 100 Mbit/s; edge-a <-> cloud: 40 ms, 1 Gbit/s; edge-b <-> cloud:
// 40 ms, 100 Mbit/s; edge-a to itself 2 ms (its LAN), unbounded.
std::shared_ptr<SiteLatencies> hand_latencies() {
  auto l = std::make_shared<SiteLatencies>(4);
  auto both = [&](int a, int b, sim::Time latency, double bps) {
    l->set(a, b, latency, bps);
    l->set(b, a, latency, bps);
  };
  l->set(0, 0, 2 * kMillisecond, std::numeric_limits<double>::infinity());
  both(0, 1, 10 * kMillisecond, 1e8);
  both(0, 2, 40 * kMillisecond, 1e9);
  both(1, 2, 40 * kMillisecond, 1e8);
  return l;
}

TEST(SiteLatencies, TransferTimeIsLatencyPlusBitsOverBandwidth) {
  const auto l = hand_latencies();
  // 1 MB over edge-a -> edge-b: 10 ms + 8e6 bit / 1e8 bit/s = 10 ms + 80 ms.
  EXPECT_EQ(l->transfer_time(0, 1, 1'000'000), 90 * kMillisecond);
  EXPECT_EQ(l->transfer_time(1, 1, 1'000'000), 0);  // a site to itself: unset, 0 ns, unbounded
  EXPECT_EQ(l->transfer_time(0, 3, 1), sim::kTimeMax);
  EXPECT_FALSE(l->reachable(3, 0));
}

TEST(CapabilityMatch, FiltersMissingCapabilitiesBusyAcceleratorsAndTypesThatCannotRun) {
  NodeTable t;
  NodeSpec gpu = at_site("s");
  gpu.arch = "aarch64";
  gpu.accelerator = "gpu";
  gpu.edge.accelerators = 1;
  gpu.edge.device_type = 0;
  gpu.labels = {{"locality", "edge"}};
  NodeSpec plain = at_site("s");
  plain.arch = "x86_64";
  plain.edge.device_type = 1;
  NodeSpec tpu = gpu;
  tpu.accelerator = "tpu";
  tpu.labels = {};
  t.add_node(gpu);    // 0
  t.add_node(plain);  // 1
  t.add_node(tpu);    // 2
  t.add_node(gpu);    // 3: its one unit taken below
  PodSpec holder;
  holder.edge.accelerators = 1;
  t.bind(3, holder);
  EXPECT_EQ(t.edge_.req_accelerators_[3], 1);

  auto plugin = make_capability_match();
  PodSpec pod;
  pod.edge.capabilities = {{"accelerator", "gpu"}};
  pod.edge.accelerators = 1;
  ASSERT_TRUE(plugin->pre_filter(t, pod));  // as the framework does, once per cycle
  EXPECT_TRUE(plugin->filter(t, pod, 0));
  EXPECT_FALSE(plugin->filter(t, pod, 1));  // no accelerator
  EXPECT_FALSE(plugin->filter(t, pod, 2));  // a tpu
  EXPECT_FALSE(plugin->filter(t, pod, 3));  // 1 unit - 1 held = 0 free
  pod.edge.accelerators = 0;                // the kind alone: the busy gpu node passes
  EXPECT_TRUE(plugin->filter(t, pod, 3));

  // A label capability and "accelerator=none" (device_catalog's label for "no accelerator").
  PodSpec labelled;
  labelled.edge.capabilities = {{"locality", "edge"}};
  ASSERT_TRUE(plugin->pre_filter(t, labelled));
  EXPECT_TRUE(plugin->filter(t, labelled, 0));
  EXPECT_FALSE(plugin->filter(t, labelled, 2));
  PodSpec none;
  none.edge.capabilities = {{"accelerator", "none"}};
  ASSERT_TRUE(plugin->pre_filter(t, none));
  EXPECT_TRUE(plugin->filter(t, none, 1));
  EXPECT_FALSE(plugin->filter(t, none, 0));

  // An arch no node has (interned id -1) matches nothing; an existing one matches its nodes.
  PodSpec riscv;
  riscv.edge.capabilities = {{"arch", "riscv64"}};
  ASSERT_TRUE(plugin->pre_filter(t, riscv));
  for (int n = 0; n < 4; ++n) EXPECT_FALSE(plugin->filter(t, riscv, n));
  PodSpec x86;
  x86.edge.capabilities = {{"arch", "x86_64"}};
  ASSERT_TRUE(plugin->pre_filter(t, x86));
  EXPECT_FALSE(plugin->filter(t, x86, 0));
  EXPECT_TRUE(plugin->filter(t, x86, 1));

  // Can run: type 0 has a time, type 1 not (-1): node 1 is filtered whatever else it has.
  PodSpec timed;
  timed.edge.exec_s_by_type = {0.5, -1.0};
  ASSERT_TRUE(plugin->pre_filter(t, timed));
  EXPECT_TRUE(plugin->filter(t, timed, 0));
  EXPECT_FALSE(plugin->filter(t, timed, 1));

  // Preferred arch=aarch64 and locality=edge: node 0 has both (2), node 1 none (0), node 2 the
  // arch (1) -> 100 x raw / 2 = 100, 0, 50.
  PodSpec prefers;
  prefers.edge.preferred_capabilities = {{"arch", "aarch64"}, {"locality", "edge"}};
  EXPECT_EQ(normalized(*plugin, t, prefers, {0, 1, 2}), (std::vector<std::int64_t>{100, 0, 50}));
}

TEST(Proximity, ScoresRouteLatencyFromTheSourceReversedAndFiltersUnreachableSites) {
  NodeTable t = three_sites();
  for (const char* s : {"edge-a", "edge-b", "cloud", "island"}) t.add_node(at_site(s));
  t.edge_.sites = hand_latencies();
  auto plugin = make_proximity();
  PodSpec pod;
  pod.edge.source_site = 0;  // requests from edge-a
  ASSERT_TRUE(plugin->pre_filter(t, pod));
  EXPECT_FALSE(plugin->filter(t, pod, 3));  // island: unreachable
  // Latencies 2, 10, 40 ms; reversed over max 40: 100 - 100x2/40 = 95, 100 - 25 = 75, 0.
  EXPECT_EQ(normalized(*plugin, t, pod, {0, 1, 2}), (std::vector<std::int64_t>{95, 75, 0}));
  // From the data instead: 5 MB at cloud and 1 MB at edge-b -> from cloud (the most bytes):
  // latencies 40, 40, 0 -> 100 - 100 = 0, 0, 100.
  pod.edge.proximity_to_data = true;
  pod.edge.data = {{1, 1'000'000}, {2, 5'000'000}};
  EXPECT_EQ(normalized(*plugin, t, pod, {0, 1, 2}), (std::vector<std::int64_t>{0, 0, 100}));
  // A table older than the node table's last sites (2 of 4): cloud and island are unreachable.
  auto small = std::make_shared<SiteLatencies>(2);
  small->set(0, 1, 10 * kMillisecond, 1e8);
  t.edge_.sites = small;
  pod.edge.proximity_to_data = false;
  ASSERT_TRUE(plugin->pre_filter(t, pod));
  EXPECT_TRUE(plugin->filter(t, pod, 1));
  EXPECT_FALSE(plugin->filter(t, pod, 2));
  EXPECT_FALSE(plugin->filter(t, pod, 3));
  // No site table: no filter, every node equal (raw 0 -> reversed 100).
  t.edge_.sites = nullptr;
  ASSERT_TRUE(plugin->pre_filter(t, pod));
  EXPECT_TRUE(plugin->filter(t, pod, 3));
  EXPECT_EQ(normalized(*plugin, t, pod, {0, 1}), (std::vector<std::int64_t>{100, 100}));
}

TEST(DataLocality, StrictFiltersOutsideTheNetworkSoftDoublesTheTransferTime) {
  NodeTable t = three_sites();
  for (const char* s : {"edge-a", "edge-b", "cloud", "island"}) t.add_node(at_site(s));
  t.edge_.sites = hand_latencies();
  auto plugin = make_data_locality();
  PodSpec pod;
  pod.edge.data = {{1, 10'000'000}};      // 10 MB at edge-b
  pod.edge.allowed_sites = {1, 1, 0, 0};  // company_network = edge-a, edge-b
  pod.edge.strict = true;
  ASSERT_TRUE(plugin->pre_filter(t, pod));
  EXPECT_TRUE(plugin->filter(t, pod, 0));
  EXPECT_TRUE(plugin->filter(t, pod, 1));
  EXPECT_FALSE(plugin->filter(t, pod, 2));  // cloud: outside company_network
  pod.edge.strict = false;
  EXPECT_TRUE(plugin->filter(t, pod, 2));
  EXPECT_FALSE(plugin->filter(t, pod, 3));  // the data cannot reach island at all
  // T: edge-b 0 (the data is there); edge-a 10 ms + 8e7/1e8 s = 810 ms; cloud 40 ms + 8e7/1e8 s
  // = 840 ms, doubled outside the network = 1680 ms. Reversed over 1680: 100, 100 - 81000/1680
  // = 100 - 48 = 52, 0.
  EXPECT_EQ(data_move_time(t, pod, 0), 810 * kMillisecond);
  EXPECT_EQ(normalized(*plugin, t, pod, {1, 0, 2}), (std::vector<std::int64_t>{100, 52, 0}));
  // Named networks without data sizes: raw 0 inside, 1 outside -> 100, 100, 0.
  pod.edge.data.clear();
  EXPECT_EQ(normalized(*plugin, t, pod, {1, 0, 2}), (std::vector<std::int64_t>{100, 100, 0}));
}

// Pod: image "resnet" of 100 MB from the registry at cloud, requests from edge-a, 0.2 s on type 0
// and 1.5 s on type 1. Nodes: A at edge-a, type 0, image present, start 0.5 s; B at edge-b, type
// 0, image absent, start 0.5 s; C at edge-a, type 1, image present, start 0.1 s.
struct DeadlineCase {
  NodeTable t = three_sites();
  PodSpec pod;
  DeadlineCase() {
    NodeSpec a = at_site("edge-a");
    a.edge = {.device_type = 0, .container_start_s = 0.5};
    a.images = {"resnet"};
    NodeSpec b = at_site("edge-b");
    b.edge = {.device_type = 0, .container_start_s = 0.5};
    NodeSpec c = at_site("edge-a");
    c.edge = {.device_type = 1, .container_start_s = 0.1};
    c.images = {"resnet"};
    t.add_node(a);
    t.add_node(b);
    t.add_node(c);
    t.set_image_size("resnet", 100'000'000);
    auto sites = hand_latencies();
    sites->registry_site = 2;
    t.edge_.sites = sites;
    pod.image = "resnet";
    pod.edge.source_site = 0;
    pod.edge.exec_s_by_type = {0.2, 1.5};
    pod.edge.deadline = 2 * kSecond;
  }
};

TEST(DeadlineFeasibility, EstimatesRoundTripPullStartAndExecution) {
  DeadlineCase c;
  const int image = c.t.image_id("resnet");
  // A: round trip 2 + 2 ms, no pull, start 500 ms, exec 200 ms = 704 ms.
  EXPECT_EQ(expected_completion(c.t, c.pod, image, 0), 704 * kMillisecond);
  // B: round trip 10 + 10 ms, pull 40 ms + 8e8 bit / 1e8 bit/s = 8040 ms, start 500, exec 200
  // = 8760 ms.
  EXPECT_EQ(expected_completion(c.t, c.pod, image, 1), 8760 * kMillisecond);
  // C: round trip 4 ms, start 100 ms, exec 1500 ms = 1604 ms.
  EXPECT_EQ(expected_completion(c.t, c.pod, image, 2), 1604 * kMillisecond);

  auto plugin = make_deadline_feasibility();
  ASSERT_TRUE(plugin->pre_filter(c.t, c.pod));
  EXPECT_TRUE(plugin->filter(c.t, c.pod, 0));
  EXPECT_FALSE(plugin->filter(c.t, c.pod, 1));  // 8.76 s > 2 s
  EXPECT_TRUE(plugin->filter(c.t, c.pod, 2));
  // Reversed over A and C: 100 - 70400/1604 = 100 - 43 = 57, and 0.
  EXPECT_EQ(normalized(*plugin, c.t, c.pod, {0, 2}), (std::vector<std::int64_t>{57, 0}));

  // 1 MB of input at edge-b adds 10 ms + 80 ms to A: 794 ms.
  c.pod.edge.data = {{1, 1'000'000}};
  EXPECT_EQ(expected_completion(c.t, c.pod, image, 0), 794 * kMillisecond);
  // A 0.7 s deadline leaves no node (A needs 0.794 s); a framework finds none.
  c.pod.edge.deadline = 700 * kMillisecond;
  Framework framework(100);
  ASSERT_TRUE(framework.add_plugin(make_deadline_feasibility(), 1));
  EXPECT_EQ(framework.select(c.t, c.pod).node, -1);
}

TEST(BatteryAware, FiltersBelowTheThresholdAndScoresTheStateOfCharge) {
  NodeTable t;
  for (double soc : {0.15, 0.6, kNoBattery}) {
    NodeSpec spec = at_site("s");
    spec.edge.battery = soc;
    t.add_node(spec);
  }
  auto plugin = make_battery_aware();
  PodSpec pod;
  pod.edge.min_battery = 0.2;
  EXPECT_FALSE(plugin->filter(t, pod, 0));
  EXPECT_TRUE(plugin->filter(t, pod, 1));
  EXPECT_TRUE(plugin->filter(t, pod, 2));  // mains-powered
  // 100 x 0.15 = 15, 100 x 0.6 = 60, mains 100 (no normalization).
  EXPECT_EQ(normalized(*plugin, t, pod, {0, 1, 2}), (std::vector<std::int64_t>{15, 60, 100}));
  // The column is edited in place as the battery drains.
  t.edge_.battery_[1] = 0.1;
  EXPECT_FALSE(plugin->filter(t, pod, 1));
}

TEST(EnergyPerRequest, ScoresTheMarginalEnergyOfOneRequestReversed) {
  NodeTable t;
  NodeSpec a = at_site("s");
  a.edge = {.device_type = 0, .core_power_w = 2.0, .accelerator_power_w = 5.0};
  NodeSpec b = at_site("s");
  b.edge = {.device_type = 1, .core_power_w = 4.0};
  t.add_node(a);
  t.add_node(b);
  auto plugin = make_energy_per_request();
  PodSpec pod;
  pod.edge.exec_s_by_type = {0.5, 0.2};
  // a: 0.5 s x 2 W = 1000 mJ; b: 0.2 s x 4 W = 800 mJ. Reversed over 1000: 0, 100 - 80 = 20.
  plugin->pre_score(t, pod, std::vector<int>{0, 1});
  EXPECT_EQ(plugin->score(t, pod, 0), 1000);
  EXPECT_EQ(normalized(*plugin, t, pod, {0, 1}), (std::vector<std::int64_t>{0, 20}));
  // With an accelerator unit: a: 0.5 x (2 + 5) = 3500 mJ; b: 800. 100 - 80000/3500 = 100 - 22.
  pod.edge.accelerators = 1;
  EXPECT_EQ(normalized(*plugin, t, pod, {0, 1}), (std::vector<std::int64_t>{0, 78}));
}

TEST(NodeFromDeviceType, FillsTheEdgeColumnsFromTheCatalog) {
  // nuc: 4 cores, idle 10 W, max 65 W -> (65 - 10) / 4 = 13.75 W per busy core.
  const NodeSpec nuc =
      node_from_device_type(*models::find_builtin_device_type("nuc"), "n", "s", "z");
  EXPECT_DOUBLE_EQ(nuc.edge.core_power_w, 13.75);
  EXPECT_EQ(nuc.edge.accelerators, 0);
  EXPECT_DOUBLE_EQ(nuc.edge.container_start_s,
                   models::find_builtin_device_type("nuc")->container_start.mean());
  EXPECT_GT(nuc.edge.container_start_s, 0.0);
  // jetson-nano: one gpu unit at 5 W.
  const NodeSpec nano =
      node_from_device_type(*models::find_builtin_device_type("jetson-nano"), "j", "s", "z");
  EXPECT_EQ(nano.edge.accelerators, 1);
  EXPECT_DOUBLE_EQ(nano.edge.accelerator_power_w, 5.0);
  EXPECT_EQ(nano.edge.battery, kNoBattery);
}

TEST(NodeName, KeepsOnlyThePinnedNode) {
  NodeTable t;
  for (int i = 0; i < 3; ++i) t.add_node(at_site("s"));
  auto plugin = make_node_name();
  PodSpec pod;
  EXPECT_TRUE(plugin->filter(t, pod, 2));  // not pinned
  pod.edge.node = 1;
  EXPECT_FALSE(plugin->filter(t, pod, 0));
  EXPECT_TRUE(plugin->filter(t, pod, 1));
  EXPECT_FALSE(plugin->filter(t, pod, 2));
}

// The caller fills the table from network/: a route between the sites' nodes, its latency
// (Router::latency) and its narrowest link's capacity.
TEST(SiteLatencies, IsFilledFromTheRoutesOfARealNetwork) {
  // edge-a -- edge-b 10 ms 100 Mbit/s, edge-b -- cloud 30 ms 1 Gbit/s, edge-a -- cloud 50 ms
  // 1 Gbit/s: edge-a -> cloud goes through edge-b (40 ms < 50 ms) and is held to 100 Mbit/s.
  network::Topology topology;
  const std::vector<network::NodeId> site_node = {
      topology.add_node("edge-a"), topology.add_node("edge-b"), topology.add_node("cloud")};
  topology.add_link(site_node[0], site_node[1], 1e8, 1e8, 10 * kMillisecond);
  topology.add_link(site_node[1], site_node[2], 1e9, 1e9, 30 * kMillisecond);
  topology.add_link(site_node[0], site_node[2], 1e9, 1e9, 50 * kMillisecond);
  network::Network net(std::move(topology), {}, 0);

  NodeTable t;
  for (const char* s : {"edge-a", "edge-b", "cloud"}) t.add_node(at_site(s));
  auto sites = std::make_shared<SiteLatencies>(t.site_count());
  std::vector<network::LinkId> route;
  for (int a = 0; a < t.site_count(); ++a) {
    for (int b = 0; b < t.site_count(); ++b) {
      if (a == b || !net.router().route(site_node[a], site_node[b], route)) continue;
      double bps = std::numeric_limits<double>::infinity();
      for (network::LinkId l : route) bps = std::min(bps, net.topology().capacity_bps(l));
      sites->set(a, b, net.router().latency(route), bps);
    }
  }
  EXPECT_EQ(sites->latency(0, 2), 40 * kMillisecond);
  EXPECT_EQ(sites->bandwidth_bps(0, 2), 1e8);
  // 1 MB edge-a -> cloud: 40 ms + 8e6 / 1e8 s = 120 ms.
  EXPECT_EQ(sites->transfer_time(0, 2, 1'000'000), 120 * kMillisecond);
  t.edge_.sites = sites;

  // Requests from cloud: latencies 40, 30, 0 ms -> reversed over 40: 0, 25, 100.
  PodSpec pod;
  pod.edge.source_site = 2;
  auto proximity = make_proximity();
  EXPECT_EQ(normalized(*proximity, t, pod, {0, 1, 2}), (std::vector<std::int64_t>{0, 25, 100}));
  Framework framework(100);
  ASSERT_TRUE(framework.add_plugin(make_proximity(), 1));
  EXPECT_EQ(framework.schedule(t, pod).node, 2);
}

TEST(EdgePlugins, ASecondCycleWithEveryEdgePluginAllocatesNothing) {
  NodeTable t = three_sites();
  for (int i = 0; i < 2000; ++i) {
    NodeSpec spec = at_site(i % 3 == 0 ? "edge-a" : i % 3 == 1 ? "edge-b" : "cloud");
    spec.arch = i % 2 ? "aarch64" : "x86_64";
    spec.accelerator = i % 4 == 0 ? "gpu" : "";
    spec.edge = {.accelerators = i % 4 == 0 ? 2 : 0,
                 .device_type = i % 2,
                 .container_start_s = 0.3,
                 .core_power_w = 1.0 + i % 5,
                 .battery = i % 7 == 0 ? 0.5 : kNoBattery};
    if (i % 5 == 0) spec.images = {"infer"};
    t.add_node(spec);
  }
  t.set_image_size("infer", 300LL << 20);
  auto sites = hand_latencies();
  sites->registry_site = 2;
  t.edge_.sites = sites;
  PodSpec p;
  p.image = "infer";
  p.edge.capabilities = {{"accelerator", "gpu"}};
  p.edge.preferred_capabilities = {{"arch", "aarch64"}};
  p.edge.accelerators = 1;
  p.edge.exec_s_by_type = {0.2, 0.4};
  p.edge.source_site = 0;
  p.edge.data = {{1, 1'000'000}};
  p.edge.allowed_sites = {1, 1, 0, 0};
  p.edge.deadline = 10 * kSecond;
  p.edge.min_battery = 0.2;
  for (int percentage : {0, 100}) {
    Framework framework(percentage);
    for (const char* name : {"NodeName", "CapabilityMatch", "DataLocality", "BatteryAware",
                             "DeadlineFeasibility", "Proximity", "EnergyPerRequest"}) {
      ASSERT_TRUE(framework.add_plugin(placement_registry().create(name), 1));
    }
    const Framework::Result warm = framework.select(t, p);  // sizes the buffers
    ASSERT_GE(warm.node, 0);
    test::start_counting_allocations();
    const Framework::Result again = framework.select(t, p);
    EXPECT_EQ(test::stop_counting_allocations(), 0) << "percentage " << percentage;
    EXPECT_GE(again.node, 0);
  }
}

TEST(EdgePlugins, AreRegisteredByNameInThePlacementRegistry) {
  for (const char* name : {"CapabilityMatch", "Proximity", "DataLocality", "DeadlineFeasibility",
                           "BatteryAware", "EnergyPerRequest", "NodeName"}) {
    std::unique_ptr<Plugin> plugin = placement_registry().create(name);
    ASSERT_NE(plugin, nullptr) << name;
    EXPECT_EQ(plugin->name(), name);
  }
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
