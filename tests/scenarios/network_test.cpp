// The network, outages, transfers and messages of a scenario: what the builder makes of them.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "network/topology.h"
#include "scenarios/scenario.h"
#include "tests/scenarios/test_util.h"

namespace edgetwin::scenarios {
namespace {

using nlohmann::json;
using Element = models::OutageElement;

// A cloud, two regions, four edge sites with two Pis each (one entry on lte), a NUC per region.
constexpr const char* kNet = R"({
  "name": "net",
  "duration": "2h",
  "sites": [ { "name": "cloud", "kind": "cloud" }, { "name": "region-{1..2}", "kind": "region" },
             { "name": "edge-{1..4}" } ],
  "fleet": [ { "type": "rpi4", "count": 2, "site": "edge-*", "access": "lte" },
             { "type": "nuc", "site": "region-*" } ],
  "network": {},
  "workloads": [ { "name": "w", "sites": "edge-*", "arrivals": { "poisson_per_s": 1 },
                   "service": { "distribution": "exponential", "mean": "10ms" } } ]
})";

LoadResult load(const json& j) { return load_scenario_text(j.dump(), "net.json"); }

std::pair<std::uint32_t, std::uint32_t> ends(const models::SiteLinkConfig& l) { return {l.a, l.b}; }

TEST(Network, AStarLinksEveryOtherSiteToTheCloudWithTheBackhaulParameters) {
  json j = json::parse(kNet);
  j["network"]["backhaul"] = {{"bandwidth", "1Gbps"}, {"up", "200Mbps"}, {"latency", "20ms"}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::NetworkConfig& n = r.scenario->fleet.network;
  EXPECT_TRUE(n.enabled);
  ASSERT_EQ(n.links.size(), 6u);  // sites 1..6 to site 0
  for (std::uint32_t k = 0; k < 6; ++k) {
    EXPECT_EQ(ends(n.links[k]), std::make_pair(k + 1, 0u));
    EXPECT_DOUBLE_EQ(n.links[k].ab_bps, 200e6);  // up: toward the hub
    EXPECT_DOUBLE_EQ(n.links[k].ba_bps, 1e9);
    EXPECT_EQ(n.links[k].latency, 20 * sim::kMillisecond);
  }
  EXPECT_EQ(n.message_threshold_bytes, 64 * 1024);
  EXPECT_EQ(n.queue_capacity, 1000u);
  EXPECT_EQ(n.drop, network::DropPolicy::kDropOldest);
  EXPECT_EQ(n.busiest_links, 10u);
}

TEST(Network, TwoTierDealsEdgeSitesToRegionsAndRegionsToTheHub) {
  json j = json::parse(kNet);
  j["network"]["shape"] = "two_tier";
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& links = r.scenario->fleet.network.links;
  // Sites: cloud 0, region-1 1, region-2 2, edge-1..4 3..6. Edges round-robin to regions, then
  // each region to the cloud.
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> expected = {
      {3, 1}, {4, 2}, {5, 1}, {6, 2}, {1, 0}, {2, 0}};
  ASSERT_EQ(links.size(), expected.size());
  for (std::size_t k = 0; k < links.size(); ++k) EXPECT_EQ(ends(links[k]), expected[k]) << k;
}

TEST(Network, RandomGeometricLinksSitesWithinTheRadiusWithLatencyByDistance) {
  json j = json::parse(kNet);
  j["network"]["shape"] = "random_geometric";
  j["network"]["random_geometric"] = {{"radius", 1.45},
                                      {"latency_per_unit", "100ms"}};
  j["network"]["backhaul"] = {{"latency", "5ms"}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& links = r.scenario->fleet.network.links;
  // A radius above sqrt(2) (the diagonal of the unit square) links every pair: 7 * 6 / 2.
  ASSERT_EQ(links.size(), 21u);
  for (const auto& l : links) {
    EXPECT_LT(l.a, l.b);
    // latency = 5 ms + 100 ms * distance, distance in [0, sqrt 2].
    EXPECT_GE(l.latency, 5 * sim::kMillisecond);
    EXPECT_LE(l.latency, 5 * sim::kMillisecond + 142 * sim::kMillisecond);
  }
  // A small radius leaves sites apart; declared connected, that is an error naming them.
  j["network"]["random_geometric"]["radius"] = 0.01;
  const LoadResult apart = load(j);
  ASSERT_FALSE(apart.ok());
  EXPECT_NE(apart.error_text().find("the sites are not connected"), std::string::npos)
      << apart.error_text();
  j["network"]["connected"] = false;
  EXPECT_TRUE(load(j).ok());
}

TEST(Network, ExplicitLinksAreAddedAfterTheGeneratedOnesWithTheirOwnParameters) {
  json j = json::parse(kNet);
  j["network"]["links"] = {{{"between", {"edge-1", "edge-2"}}, {"bandwidth", "100Mbps"},
                            {"down", "50Mbps"}, {"latency", "2ms"}}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& links = r.scenario->fleet.network.links;
  ASSERT_EQ(links.size(), 7u);
  EXPECT_EQ(ends(links[6]), std::make_pair(3u, 4u));
  EXPECT_DOUBLE_EQ(links[6].ab_bps, 100e6);
  EXPECT_DOUBLE_EQ(links[6].ba_bps, 50e6);
  EXPECT_EQ(links[6].latency, 2 * sim::kMillisecond);
  const json resolved = json::parse(r.scenario->resolved_json);
  EXPECT_EQ(resolved["network"]["links"][0]["up"], "100Mbps");
  EXPECT_EQ(resolved["network"]["links"][0]["down"], "50Mbps");
}

TEST(Network, EveryDeviceGetsItsEntrysAccessOrTheDefault) {
  json j = json::parse(kNet);
  j["fleet"][1]["access"] = {{"preset", "wifi"}, {"latency", "40ms"}};
  j["network"]["access"] = {{"up", "10Mbps"}, {"down", "40Mbps"}, {"latency", "30ms"}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  ASSERT_EQ(f.network.access.size(), f.devices.size());
  const network::AccessPreset& lte = *network::find_access_preset("lte");
  const network::AccessPreset& wifi = *network::find_access_preset("wifi");
  EXPECT_EQ(f.network.access[0].preset, "lte");
  EXPECT_DOUBLE_EQ(f.network.access[0].up_bps, lte.up_bps);
  EXPECT_EQ(f.network.access[0].latency, lte.latency);
  const models::AccessConfig& nuc = f.network.access[8];  // the preset, latency overridden
  EXPECT_EQ(nuc.preset, "wifi");
  EXPECT_DOUBLE_EQ(nuc.down_bps, wifi.down_bps);
  EXPECT_EQ(nuc.latency, 40 * sim::kMillisecond);
  EXPECT_EQ(nuc.jitter_s.kind, wifi.jitter_s.kind);
  // An entry without access takes the network's.
  j["fleet"][1].erase("access");
  const LoadResult d = load(j);
  ASSERT_TRUE(d.ok()) << d.error_text();
  EXPECT_EQ(d.scenario->fleet.network.access[8].preset, "");
  EXPECT_DOUBLE_EQ(d.scenario->fleet.network.access[8].up_bps, 10e6);
  EXPECT_EQ(d.scenario->fleet.network.access[8].latency, 30 * sim::kMillisecond);
}

TEST(Network, UnknownPresetsAndSitesSuggestTheClosestName) {
  json j = json::parse(kNet);
  j["fleet"][0]["access"] = "wfi";
  j["network"]["hub"] = "clod";
  const LoadResult r = load(j);
  ASSERT_FALSE(r.ok());
  const std::string text = r.error_text();
  EXPECT_NE(text.find("/fleet/0/access: unknown access 'wfi'; did you mean 'wifi'?"),
            std::string::npos) << text;
  EXPECT_NE(text.find("/network/hub: unknown site 'clod'; did you mean 'cloud'?"),
            std::string::npos) << text;
}

TEST(Network, WithoutANetworkSectionTheNetworkIsDisabled) {
  json j = json::parse(kNet);
  j.erase("network");
  j["fleet"][0].erase("access");
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_FALSE(r.scenario->fleet.network.enabled);
  EXPECT_TRUE(r.scenario->fleet.network.access.empty());
}

TEST(Network, DefaultsOfTheNewSectionsAreInTheResolvedJson) {
  json j = json::parse(kNet);
  j["outages"] = {{{"kind", "site"}, {"site", "edge-1"}, {"at", "1h"}, {"duration", "5m"}}};
  j["workloads"].push_back({{"kind", "transfers"}, {"name", "t"}, {"sites", "edge-1"},
                            {"peer", "cloud"}, {"arrivals", {{"poisson_per_s", 0.01}}},
                            {"size", "10MB"}});
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const json n = json::parse(r.scenario->resolved_json);
  EXPECT_EQ(n["network"]["access"], "ethernet");
  EXPECT_EQ(n["network"]["shape"], "star");
  EXPECT_EQ(n["network"]["hub"], "cloud");  // computed: the single cloud site
  EXPECT_EQ(n["network"]["backhaul"]["bandwidth"], "1Gbps");
  EXPECT_EQ(n["network"]["backhaul"]["latency"], "10ms");
  EXPECT_EQ(n["network"]["links"], json::array());
  EXPECT_EQ(n["network"]["message_threshold"], "64KiB");
  EXPECT_EQ(n["network"]["store_and_forward"], json({{"capacity", 1000}, {"drop", "oldest"}}));
  EXPECT_EQ(n["network"]["busiest_links"], 10);
  EXPECT_EQ(n["network"]["connected"], true);
  EXPECT_EQ(n["fleet"][1]["access"], "ethernet");  // computed: the network's
  EXPECT_EQ(n["outages"][0]["name"], "site-0");
  EXPECT_EQ(n["workloads"][1]["direction"], "upload");
  EXPECT_EQ(n["workloads"][1]["on_break"], "resume");
  EXPECT_EQ(n["workloads"][1]["timeout"], "0s");
  EXPECT_FALSE(n["workloads"][1].contains("dispatch"));  // a key of requests only
  EXPECT_FALSE(n["workloads"][0].contains("direction"));
  // Loading the resolved scenario again gives the same scenario.
  const LoadResult again = load_scenario_text(r.scenario->resolved_json, "again.json");
  ASSERT_TRUE(again.ok()) << again.error_text();
  EXPECT_EQ(again.scenario->resolved_json, r.scenario->resolved_json);
}

TEST(Outages, APartitionCutsTheLinksBetweenItsGroupsOnly) {
  json j = json::parse(kNet);
  j["network"]["shape"] = "two_tier";
  // region-2 with its edges (edge-2, edge-4) against the cloud; region-1's side is in no group.
  j["outages"] = {{{"kind", "partition"},
                   {"groups", {{"region-2", "edge-2", "edge-4"}, {"cloud"}}},
                   {"at", "1h"}, {"duration", "10m"}}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& outages = r.scenario->fleet.outages;
  ASSERT_EQ(outages.size(), 1u);
  ASSERT_EQ(outages[0].elements.size(), 1u);  // only region-2 -- cloud (link 5)
  EXPECT_EQ(outages[0].elements[0].kind, Element::Kind::kSiteLink);
  EXPECT_EQ(outages[0].elements[0].index, 5u);
  EXPECT_EQ(outages[0].windows,
            (std::vector<std::pair<sim::Time, sim::Time>>{{sim::kHour, sim::kHour + 10 * sim::kMinute}}));
  // Groups on one side of every link cut nothing: an error.
  j["outages"][0]["groups"] = {{"edge-1"}, {"edge-2"}};
  const LoadResult none = load(j);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error_text().find("cuts no site link"), std::string::npos) << none.error_text();
}

TEST(Outages, RandomSiteAndAccessOutagesAreIndependentPerElementAndFixedOnesShared) {
  json j = json::parse(kNet);
  j["outages"] = {
      {{"name", "sites"}, {"kind", "site"}, {"site", "edge-*"}, {"mtbf", "30d"},
       {"mttr", {{"distribution", "lognormal"}, {"mean", "2h"}, {"cv", 0.5}}}},
      {{"name", "fixed"}, {"kind", "site"}, {"site", "edge-*"},
       {"windows", json::array({json::array({"1h", "1h30m"}), json::array({"1h40m", "1h50m"})})}},
      {{"name", "pis"}, {"kind", "access"}, {"devices", "rpi4-edge-1-*"},
       {"mtbf", {{"distribution", "exponential"}, {"mean", "2h"}}}, {"mttr", "5m"}},
      {{"name", "backhaul"}, {"kind", "link"}, {"between", {"cloud", "edge-3"}},
       {"at", "10m"}, {"duration", "5m"}}};
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& o = r.scenario->fleet.outages;
  ASSERT_EQ(o.size(), 4u + 1u + 2u + 1u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(o[k].name, "sites:edge-" + std::to_string(k + 1));
    EXPECT_TRUE(o[k].random);
    ASSERT_EQ(o[k].elements.size(), 1u);
    EXPECT_EQ(o[k].elements[0].kind, Element::Kind::kSite);
    EXPECT_EQ(o[k].elements[0].index, 3 + k);
    // mtbf "30d": exponential with that mean, in seconds.
    EXPECT_EQ(o[k].mtbf_s.kind, sim::Distribution::Kind::kExponential);
    EXPECT_DOUBLE_EQ(o[k].mtbf_s.a, 30 * 86400.0);
    EXPECT_EQ(o[k].mttr_s.kind, sim::Distribution::Kind::kLognormal);
  }
  EXPECT_EQ(o[4].name, "fixed");
  EXPECT_FALSE(o[4].random);
  EXPECT_EQ(o[4].elements.size(), 4u);
  EXPECT_EQ(o[4].windows.size(), 2u);
  EXPECT_EQ(o[5].name, "pis:rpi4-edge-1-1");
  EXPECT_EQ(o[6].name, "pis:rpi4-edge-1-2");
  EXPECT_EQ(o[6].elements[0].kind, Element::Kind::kAccessLink);
  EXPECT_EQ(o[6].elements[0].index, 1u);
  EXPECT_DOUBLE_EQ(o[6].mttr_s.a, 300.0);
  // The star link edge-3 -> cloud is link 4 (site k + 1 to the cloud); "between" takes either
  // order.
  ASSERT_EQ(o[7].elements.size(), 1u);
  EXPECT_EQ(o[7].elements[0].index, 4u);
}

TEST(Outages, ATraceGivesEachElementItsWindowsAndATrailingDownLastsToTheEnd) {
  const auto dir = std::filesystem::temp_directory_path() / "edgetwin-trace-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "outages.csv") << "time,element,state\n"
                                        "# a comment\n"
                                        "0,edge-1,down\n"
                                        "90,edge-1,up\n"
                                        "5m, rpi4-edge-2-1 ,down\n"
                                        "10m,edge-3--cloud,down\n"
                                        "1h,edge-3--cloud,up\n"
                                        "1h,edge-1,down\n";
  json j = json::parse(kNet);
  j["outages"] = {{{"name", "replay"}, {"kind", "trace"}, {"file", "outages.csv"}}};
  std::ofstream(dir / "s.json") << j.dump(2);
  const LoadResult r = load_scenario_file((dir / "s.json").string());
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& o = r.scenario->fleet.outages;
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].name, "replay:edge-1");
  EXPECT_EQ(o[0].elements[0].kind, Element::Kind::kSite);
  EXPECT_EQ(o[0].windows, (std::vector<std::pair<sim::Time, sim::Time>>{
                              {0, 90 * sim::kSecond}, {sim::kHour, sim::kTimeMax}}));
  EXPECT_EQ(o[1].elements[0].kind, Element::Kind::kAccessLink);
  EXPECT_EQ(o[1].elements[0].index, 2u);  // rpi4-edge-2-1
  EXPECT_EQ(o[1].windows.back().second, sim::kTimeMax);
  EXPECT_EQ(o[2].elements[0].kind, Element::Kind::kSiteLink);
  EXPECT_EQ(o[2].elements[0].index, 4u);  // edge-3 -> cloud: the star's fifth link
  EXPECT_EQ(o[2].windows, (std::vector<std::pair<sim::Time, sim::Time>>{
                              {10 * sim::kMinute, sim::kHour}}));

  // Errors name the file and its line.
  std::ofstream(dir / "outages.csv") << "time,element,state\n0,edge-1,down\n1m,edge-9,down\n"
                                        "2m,edge-1,sideways\n";
  const LoadResult bad = load_scenario_file((dir / "s.json").string());
  ASSERT_FALSE(bad.ok());
  const std::string text = bad.error_text();
  EXPECT_NE(text.find("outages.csv:3: unknown element 'edge-9'"), std::string::npos) << text;
  EXPECT_NE(text.find("outages.csv:4: state must be down or up"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

TEST(Workloads, TransfersAndMessagesGetTheirDevicesPeerAndSizes) {
  json j = json::parse(kNet);
  j["workloads"].push_back({{"kind", "transfers"}, {"name", "t"}, {"sites", "edge-2"},
                            {"peer", "cloud"}, {"direction", "download"},
                            {"arrivals", {{"poisson_per_s", 0.01}}},
                            {"size", {{"distribution", "lognormal"}, {"mean", "20MB"}, {"cv", 1.0}}},
                            {"on_break", "fail"}, {"timeout", "10m"}});
  j["workloads"].push_back({{"kind", "messages"}, {"name", "m"}, {"devices", "nuc-*"},
                            {"peer", "region-1"}, {"interval", "10s"}, {"size", "512B"}});
  const LoadResult r = load(j);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  ASSERT_EQ(f.workloads.size(), 1u);
  ASSERT_EQ(f.transfers.size(), 1u);
  ASSERT_EQ(f.messages.size(), 1u);
  const auto& t = f.transfers[0];
  EXPECT_EQ(t.devices, (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(t.peer_site, 0u);
  EXPECT_FALSE(t.upload);
  EXPECT_DOUBLE_EQ(t.rate_per_s, 0.01);
  EXPECT_NEAR(t.size_bytes.mean(), 20e6, 1e-6 * 20e6);  // lognormal by mean and cv
  EXPECT_EQ(t.on_break, network::OnBreak::kFail);
  EXPECT_EQ(t.timeout, 10 * sim::kMinute);
  const auto& m = f.messages[0];
  EXPECT_EQ(m.devices, (std::vector<std::uint32_t>{8, 9}));
  EXPECT_EQ(m.peer_site, 1u);
  EXPECT_EQ(m.interval, 10 * sim::kSecond);
  EXPECT_EQ(m.bytes, 512);
}

TEST(Workloads, AKeyOfAnotherKindIsAnErrorNamingTheKind) {
  json j = json::parse(kNet);
  j["workloads"][0]["interval"] = "1s";
  const LoadResult r = load(j);
  ASSERT_EQ(r.errors.size(), 1u) << r.error_text();
  EXPECT_EQ(r.errors[0].path, "/workloads/0/interval");
  EXPECT_EQ(r.errors[0].message.rfind("'interval' is not a key of a requests workload", 0), 0u)
      << r.errors[0].message;
}

TEST(Examples, NetworkOutagesIsTwoTierWithEveryKindOfOutageAndWorkload) {
  const LoadResult r =
      load_scenario_file(testing::source_dir() + "/scenarios/examples/network-outages.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  EXPECT_TRUE(f.network.enabled);
  EXPECT_EQ(f.network.links.size(), 6u + 2u + 1u);  // edges, regions, one explicit
  EXPECT_EQ(f.transfers.size(), 1u);
  EXPECT_EQ(f.messages.size(), 1u);
  // Expected transfers in 2 h: rate per device * devices * seconds; "a few hundred".
  const double transfers = f.transfers[0].rate_per_s *
                           static_cast<double>(f.transfers[0].devices.size()) * 7200.0;
  EXPECT_GT(transfers, 200.0);
  EXPECT_LT(transfers, 600.0);
  std::size_t random = 0;
  for (const auto& o : f.outages) random += o.random;
  EXPECT_EQ(random, 4u);  // one per device at edge-5
  EXPECT_EQ(f.outages.size(), 2u + 4u);
}

}  // namespace
}  // namespace edgetwin::scenarios
