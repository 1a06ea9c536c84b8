#include "models/network_activity.h"

#include <gtest/gtest.h>

#include "sim/engine.h"

namespace edgetwin::models {
namespace {

using sim::kSecond;

// A cloud and two edge sites in a star; two devices per edge site on 100 Mb/s access links;
// backhaul 10 Mb/s, 10 ms. Telemetry of 1 kB every 10 s from every device to the cloud.
FleetConfig network_config() {
  FleetConfig c;
  c.seed = 5;
  c.duration = 120 * kSecond;
  c.sample_interval = 10 * kSecond;
  c.types = {*find_builtin_device_type("rpi4")};
  c.sites = {{"cloud", "cloud"}, {"e1", "edge"}, {"e2", "edge"}};
  c.devices = {{"a", 0, 1, {}}, {"b", 0, 1, {}}, {"c", 0, 2, {}}, {"d", 0, 2, {}}};
  c.network.enabled = true;
  c.network.message_threshold_bytes = 64 * 1024;
  for (int i = 0; i < 4; ++i) {
    c.network.access.push_back({"", 100e6, 100e6, sim::kMillisecond, sim::Distribution::constant(0)});
  }
  c.network.links = {{1, 0, 10e6, 10e6, 10 * sim::kMillisecond, sim::Distribution::constant(0)},
                     {2, 0, 10e6, 10e6, 10 * sim::kMillisecond, sim::Distribution::constant(0)}};
  c.messages = {{"telemetry", {0, 1, 2, 3}, 0, 10 * kSecond, 1000}};
  return c;
}

std::unique_ptr<Twin> run(const FleetConfig& config,
                          sim::EventListKind list = sim::EventListKind::kLadder) {
  auto twin = std::make_unique<Twin>(config);
  sim::Engine engine(twin->lp_count(), list);
  twin->start(engine);
  engine.run(*twin, config.duration);
  twin->finish(engine.now());
  return twin;
}

TEST(NetworkActivity, TelemetryWaitsOutASiteOutageAndArrivesInOrder) {
  // Site e1 is down from 25 s to 55 s: its devices' messages sent in that window wait in their
  // queues and leave at 55 s; e2's are untouched. Connected, a message takes 1 + 10 ms latency +
  // 8,000 bits / 10 Mb/s (the narrowest link) = 11.8 ms.
  FleetConfig c = network_config();
  c.outages = {{"e1-power", {{OutageElement::Kind::kSite, 1}}, {{25 * kSecond, 55 * kSecond}}}};
  const auto twin = run(c);
  const network::MessageRecords& m = twin->network()->net().messages();
  ASSERT_EQ(m.size(), 4u * 12u);  // 12 per device in 120 s
  int waited = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    ASSERT_EQ(m.outcome[i], 0) << i;
    const bool at_e1 = m.from[i] == twin->network()->device_node(0) ||
                       m.from[i] == twin->network()->device_node(1);
    const bool in_window = m.sent_ns[i] >= 25 * kSecond && m.sent_ns[i] < 55 * kSecond;
    if (at_e1 && in_window) {
      ++waited;
      EXPECT_EQ(m.transmit_ns[i], 55 * kSecond);
      EXPECT_EQ(m.delivered_ns[i], 55 * kSecond + 11'800'000);
    } else {
      EXPECT_EQ(m.transmit_ns[i], m.sent_ns[i]);
      EXPECT_EQ(m.delivered_ns[i], m.sent_ns[i] + 11'800'000);
    }
  }
  EXPECT_EQ(waited, 2 * 3);  // each e1 device sends 3 messages in a 30 s window
  const OutageRecords& o = twin->network()->outages();
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o.down_ns[0], 25 * kSecond);
  EXPECT_EQ(o.up_ns[0], 55 * kSecond);
}

TEST(NetworkActivity, UploadsShareTheBackhaulAndRandomOutagesAreReproducible) {
  FleetConfig c = network_config();
  c.duration = 600 * kSecond;
  c.transfers = {{"uploads", {0, 1, 2, 3}, 0, true, 0.02, sim::Distribution::constant(2e6),
                  network::OnBreak::kResume, 0}};
  c.outages = {{"flaky-e2", {{OutageElement::Kind::kSiteLink, 1}}, {}, true,
                sim::Distribution::exponential(60.0), sim::Distribution::exponential(10.0)}};
  const auto a = run(c);
  const auto b = run(c, sim::EventListKind::kHeap);
  const network::TransferRecords& t = a->network()->net().records();
  ASSERT_GT(t.size(), 20u);
  for (std::size_t i = 0; i < t.size(); ++i) {
    // 2 MB over 10 Mb/s alone takes 1.6 s plus 11 ms; sharing and outages only make it longer.
    if (t.outcome[i] == 0) {
      EXPECT_GE(t.end_ns[i] - t.start_ns[i], 1'611'000'000);
    }
  }
  EXPECT_GT(a->network()->outages().size(), 3u);
  // Same scenario and seed, other event list: identical records.
  const network::TransferRecords& u = b->network()->net().records();
  EXPECT_EQ(t.end_ns, u.end_ns);
  EXPECT_EQ(t.bytes_delivered, u.bytes_delivered);
  EXPECT_EQ(a->network()->outages().down_ns, b->network()->outages().down_ns);
  EXPECT_EQ(a->network()->net().link_bytes(), b->network()->net().link_bytes());
  // Bytes carried by e2's backhaul uplink = bytes its devices delivered (whole transfers) plus
  // what broken flows had sent before an outage re-routed or parked them (counted once per leg).
  double from_e2 = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.from[i] == a->network()->device_node(2) || t.from[i] == a->network()->device_node(3)) {
      from_e2 += static_cast<double>(t.bytes_delivered[i]);
    }
  }
  EXPECT_NEAR(a->network()->net().link_bytes()[a->network()->site_links()[1]], from_e2,
              2e6 * 4 + 1.0);  // at most the transfers still in flight at the end
}

}  // namespace
}  // namespace edgetwin::models
