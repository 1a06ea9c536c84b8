#include "network/routing.h"

#include <gtest/gtest.h>

namespace edgetwin::network {
namespace {

using sim::kMillisecond;

TEST(Routing, ChoosesTheLowestLatencyPathNotTheFewestHops) {
  // x -- y directly at 50 ms, or x -- z -- y at 10 + 10 ms: the two-hop path wins.
  Topology t;
  const NodeId x = t.add_node("x"), y = t.add_node("y"), z = t.add_node("z");
  t.add_link(x, y, 1e6, 1e6, 50 * kMillisecond);
  const auto [xz, zx] = t.add_link(x, z, 1e6, 1e6, 10 * kMillisecond);
  const auto [zy, yz] = t.add_link(z, y, 1e6, 1e6, 10 * kMillisecond);
  Router router(t);
  std::vector<LinkId> route;
  ASSERT_TRUE(router.route(x, y, route));
  EXPECT_EQ(route, (std::vector<LinkId>{xz, zy}));
  EXPECT_EQ(router.latency(route), 20 * kMillisecond);
  ASSERT_TRUE(router.route(y, x, route));
  EXPECT_EQ(route, (std::vector<LinkId>{yz, zx}));
}

TEST(Routing, EqualLatenciesPreferFewerHops) {
  Topology t;
  const NodeId x = t.add_node("x"), y = t.add_node("y"), z = t.add_node("z");
  t.add_link(x, z, 1e6, 1e6, 0);
  t.add_link(z, y, 1e6, 1e6, 0);
  const LinkId xy = t.add_link(x, y, 1e6, 1e6, 0).first;
  Router router(t);
  std::vector<LinkId> route;
  ASSERT_TRUE(router.route(x, y, route));
  EXPECT_EQ(route, (std::vector<LinkId>{xy}));
}

TEST(Routing, DevicesAreRoutedThroughTheirSiteAndOnlySwitchTreesAreComputed) {
  // Two sites of 50 devices each behind switches joined by a backhaul link.
  Topology t;
  const NodeId s1 = t.add_node("s1"), s2 = t.add_node("s2");
  const LinkId backhaul = t.add_link(s1, s2, 1e9, 1e9, 5 * kMillisecond).first;
  std::vector<NodeId> devices;
  for (int i = 0; i < 100; ++i) {
    const NodeId d = t.add_node("d" + std::to_string(i));
    t.add_link(d, i < 50 ? s1 : s2, 1e8, 1e8, kMillisecond);
    devices.push_back(d);
  }
  Router router(t);
  std::vector<LinkId> route;
  for (NodeId a : devices) {
    for (NodeId b : devices) {
      ASSERT_TRUE(router.route(a, b, route));
      const bool cross = (a < devices[50]) != (b < devices[50]);
      ASSERT_EQ(route.size(), a == b ? 0u : cross ? 3u : 2u);
      if (cross) {
        EXPECT_TRUE(route[1] == backhaul || route[1] == Topology::reverse(backhaul));
      }
    }
  }
  EXPECT_EQ(router.trees_computed(), 2u);  // s1 and s2, not one per device
}

TEST(Routing, AnAccessLinkGoingDownCutsOnlyItsDeviceAndKeepsTheTrees) {
  Topology t;
  const NodeId s1 = t.add_node("s1"), s2 = t.add_node("s2");
  const LinkId backhaul = t.add_link(s1, s2, 1e9, 1e9, 5 * kMillisecond).first;
  const NodeId d1 = t.add_node("d1"), d2 = t.add_node("d2"), d3 = t.add_node("d3");
  const LinkId access1 = t.add_link(d1, s1, 1e8, 1e8, kMillisecond).first;
  t.add_link(d2, s1, 1e8, 1e8, kMillisecond);
  t.add_link(d3, s2, 1e8, 1e8, kMillisecond);
  Router router(t);
  EXPECT_EQ(router.core_nodes(), 2u);
  std::vector<LinkId> route;
  ASSERT_TRUE(router.route(d1, d3, route));
  EXPECT_EQ(router.trees_computed(), 1u);
  t.set_up(access1, false);
  router.link_changed(access1);
  EXPECT_FALSE(router.route(d1, d3, route));
  EXPECT_FALSE(router.route(d3, d1, route));
  ASSERT_TRUE(router.route(d2, d3, route));
  EXPECT_EQ(route.size(), 3u);
  EXPECT_EQ(router.trees_computed(), 1u);  // the core did not change
  t.set_up(backhaul, false);
  router.link_changed(backhaul);
  EXPECT_FALSE(router.route(d2, d3, route));
  EXPECT_TRUE(router.route(d2, s1, route));
  EXPECT_EQ(router.trees_computed(), 2u);
}

TEST(Routing, ABrokenLinkChangesTheRouteAndAPartitionHasNone) {
  Topology t;
  const NodeId x = t.add_node("x"), y = t.add_node("y"), z = t.add_node("z");
  const LinkId xy = t.add_link(x, y, 1e6, 1e6, kMillisecond).first;
  const LinkId xz = t.add_link(x, z, 1e6, 1e6, 5 * kMillisecond).first;
  const LinkId zy = t.add_link(z, y, 1e6, 1e6, 5 * kMillisecond).first;
  Router router(t);
  std::vector<LinkId> route;
  ASSERT_TRUE(router.route(x, y, route));
  EXPECT_EQ(route, (std::vector<LinkId>{xy}));
  t.set_up(xy, false);
  router.invalidate();
  ASSERT_TRUE(router.route(x, y, route));
  EXPECT_EQ(route, (std::vector<LinkId>{xz, zy}));
  t.set_up(zy, false);
  router.invalidate();
  EXPECT_FALSE(router.route(x, y, route));
  EXPECT_TRUE(route.empty());
  t.set_up(xy, true);  // the partition heals
  router.invalidate();
  ASSERT_TRUE(router.route(y, x, route));
  EXPECT_EQ(route, (std::vector<LinkId>{Topology::reverse(xy)}));
}

TEST(Routing, AccessPresetsAreKnownByName) {
  const AccessPreset* lte = find_access_preset("lte");
  ASSERT_NE(lte, nullptr);
  EXPECT_DOUBLE_EQ(lte->up_bps, 25e6);
  EXPECT_DOUBLE_EQ(lte->down_bps, 125e6);
  EXPECT_EQ(find_access_preset("carrier-pigeon"), nullptr);
  for (const char* name : {"ethernet", "wifi", "lte", "5g", "lora"}) {
    EXPECT_NE(find_access_preset(name), nullptr) << name;
  }
}

}  // namespace
}  // namespace edgetwin::network
