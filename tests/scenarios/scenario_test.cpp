#include "scenarios/scenario.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/scenarios/test_util.h"

namespace edgetwin::scenarios {
namespace {

using nlohmann::json;

// A small valid scenario; tests change parts of it.
constexpr const char* kSmall = R"({
  "name": "small",
  "sites": [ { "name": "cloud", "kind": "cloud" }, { "name": "edge-{1..3}" } ],
  "fleet": [
    { "type": "rpi4", "count": 2, "site": "edge-*", "labels": { "zone": "a" } },
    { "type": "cloud-vm", "site": "cloud", "name": "vm" }
  ],
  "workloads": [ { "name": "w", "sites": "edge-*", "arrivals": { "poisson_per_s": 5 },
                   "service": { "distribution": "exponential", "mean": "100ms" } } ]
})";

LoadResult load(std::string_view text, const std::vector<std::string>& overrides = {}) {
  return load_scenario_text(text, "test.json", overrides);
}

TEST(Load, ASmallScenarioBuildsSitesDevicesAndWorkloads) {
  const LoadResult r = load(kSmall);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  EXPECT_EQ(r.scenario->name, "small");
  ASSERT_EQ(f.sites.size(), 4u);
  EXPECT_EQ(f.sites[1].name, "edge-1");
  EXPECT_EQ(f.sites[1].kind, "edge");  // the default kind
  ASSERT_EQ(f.devices.size(), 7u);     // 2 per edge site, 1 in the cloud
  EXPECT_EQ(f.devices[0].name, "rpi4-edge-1-1");
  EXPECT_EQ(f.devices[1].name, "rpi4-edge-1-2");
  EXPECT_EQ(f.devices[5].name, "rpi4-edge-3-2");
  EXPECT_EQ(f.devices[6].name, "vm-cloud-1");
  EXPECT_EQ(f.devices[0].site, 1u);
  EXPECT_EQ(f.devices[6].site, 0u);
  ASSERT_EQ(f.devices[0].labels.size(), 1u);
  EXPECT_EQ(f.devices[0].labels[0], (std::pair<std::string, std::string>{"zone", "a"}));
  ASSERT_EQ(f.types.size(), 2u);  // the types used, in order of first use
  EXPECT_EQ(f.types[f.devices[0].type].name, "rpi4");
  EXPECT_EQ(f.types[f.devices[6].type].name, "cloud-vm");
  ASSERT_EQ(f.workloads.size(), 1u);
  EXPECT_EQ(f.workloads[0].sites, (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(f.workloads[0].rate_per_s, 5.0);
  EXPECT_EQ(f.workloads[0].service_s.kind, sim::Distribution::Kind::kExponential);
  EXPECT_DOUBLE_EQ(f.workloads[0].service_s.a, 0.1);
  EXPECT_EQ(f.workloads[0].dispatch, models::Dispatch::kLeastLoaded);
}

TEST(Load, DefaultsAreFilledInTheConfigAndTheResolvedJson) {
  const LoadResult r = load(kSmall);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  EXPECT_EQ(f.seed, 1u);
  EXPECT_EQ(f.duration, sim::kHour);
  EXPECT_EQ(f.warmup, 0);
  EXPECT_EQ(f.max_requests, 0u);
  EXPECT_EQ(f.sample_interval, sim::kMinute);
  EXPECT_TRUE(f.record_requests);

  const json j = json::parse(r.scenario->resolved_json);
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["duration"], "1h");
  EXPECT_EQ(j["warmup"], "0s");
  EXPECT_EQ(j["max_requests"], 0);
  EXPECT_EQ(j["output"]["sample_interval"], "1m");
  EXPECT_EQ(j["output"]["request_events"], true);
  EXPECT_EQ(j["sites"][1]["name"], "edge-{1..3}");  // the user's structure is kept
  EXPECT_EQ(j["sites"][1]["kind"], "edge");
  EXPECT_EQ(j["fleet"][0]["name"], "rpi4");  // computed default: the type
  EXPECT_EQ(j["fleet"][1]["count"], 1);
  EXPECT_EQ(j["fleet"][1]["labels"], json::object());
  EXPECT_EQ(j["workloads"][0]["kind"], "requests");
  EXPECT_EQ(j["workloads"][0]["dispatch"], "least_loaded");
  // Every type the run used is recorded in full.
  EXPECT_EQ(j["device_types"]["rpi4"]["cores"], 4);
  EXPECT_TRUE(j["device_types"]["cloud-vm"].contains("core_speed"));
  EXPECT_TRUE(j["device_types"]["cloud-vm"].contains("memory"));
}

TEST(Load, TheResolvedJsonLoadsToTheSameScenario) {
  const LoadResult first = load(kSmall);
  ASSERT_TRUE(first.ok()) << first.error_text();
  const LoadResult again = load(first.scenario->resolved_json);
  ASSERT_TRUE(again.ok()) << again.error_text();
  EXPECT_EQ(again.scenario->resolved_json, first.scenario->resolved_json);
  EXPECT_EQ(again.scenario->fleet.devices.size(), first.scenario->fleet.devices.size());
}

TEST(Load, DeviceTypesOverrideBuiltinsAndDeriveNewTypesFromABase) {
  json j = json::parse(kSmall);
  j["device_types"] = {{"rpi4", {{"cores", 2}}},
                       {"my-board", {{"base", "rpi4"}, {"core_speed", 0.1}}},
                       {"scratch", {{"cores", 3}, {"core_speed", 0.5}, {"memory", "2GiB"},
                                    {"arch", "riscv64"}, {"idle_power_w", 1},
                                    {"max_power_w", 4}}}};
  j["fleet"].push_back({{"type", "my-board"}, {"site", "edge-1"}});
  j["fleet"].push_back({{"type", "scratch"}, {"site", "edge-2"}});
  const LoadResult r = load(j.dump());
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& types = r.scenario->fleet.types;
  ASSERT_EQ(types.size(), 4u);
  EXPECT_EQ(types[0].name, "rpi4");
  EXPECT_EQ(types[0].cores, 2);
  EXPECT_EQ(types[2].name, "my-board");
  EXPECT_EQ(types[2].cores, 2);  // from the overridden rpi4
  EXPECT_DOUBLE_EQ(types[2].core_speed, 0.1);
  EXPECT_EQ(types[2].arch, models::find_builtin_device_type("rpi4")->arch);
  EXPECT_EQ(types[3].memory_bytes, std::int64_t{2} << 30);
  EXPECT_EQ(types[3].arch, "riscv64");
}

TEST(Load, EveryServiceDistributionIsConvertedToSeconds) {
  struct Case {
    json service;
    sim::Distribution::Kind kind;
    double a, b;
  };
  using K = sim::Distribution::Kind;
  const Case cases[] = {
      {{{"distribution", "constant"}, {"value", "250ms"}}, K::kConstant, 0.25, 0},
      {{{"distribution", "exponential"}, {"mean", "2s"}}, K::kExponential, 2, 0},
      {{{"distribution", "uniform"}, {"low", "10ms"}, {"high", "30ms"}}, K::kUniform, 0.01, 0.03},
      {{{"distribution", "normal"}, {"mean", "1s"}, {"stddev", "100ms"}}, K::kNormal, 1, 0.1},
      {{{"distribution", "lognormal"}, {"mu", -2.0}, {"sigma", 0.5}}, K::kLognormal, -2, 0.5},
      {{{"distribution", "weibull"}, {"shape", 1.5}, {"scale", "200ms"}}, K::kWeibull, 1.5, 0.2},
  };
  for (const Case& c : cases) {
    json j = json::parse(kSmall);
    j["workloads"][0]["service"] = c.service;
    const LoadResult r = load(j.dump());
    ASSERT_TRUE(r.ok()) << c.service.dump() << "\n" << r.error_text();
    const sim::Distribution& d = r.scenario->fleet.workloads[0].service_s;
    EXPECT_EQ(d.kind, c.kind) << c.service.dump();
    EXPECT_DOUBLE_EQ(d.a, c.a) << c.service.dump();
    EXPECT_DOUBLE_EQ(d.b, c.b) << c.service.dump();
  }
  // Lognormal by mean and cv: mu and sigma as sim::Distribution::lognormal_mean_cv derives them.
  json j = json::parse(kSmall);
  j["workloads"][0]["service"] = {{"distribution", "lognormal"}, {"mean", "20ms"}, {"cv", 1.5}};
  const LoadResult r = load(j.dump());
  ASSERT_TRUE(r.ok()) << r.error_text();
  const sim::Distribution expected = sim::Distribution::lognormal_mean_cv(0.02, 1.5);
  EXPECT_DOUBLE_EQ(r.scenario->fleet.workloads[0].service_s.a, expected.a);
  EXPECT_DOUBLE_EQ(r.scenario->fleet.workloads[0].service_s.b, expected.b);
}

TEST(Load, SelectorListsTakeTheUnionInSiteOrder) {
  json j = json::parse(kSmall);
  j["workloads"][0]["sites"] = {"edge-3", "edge-?", "cloud"};
  j["fleet"][1]["site"] = json::array({"cloud"});
  const LoadResult r = load(j.dump());
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.scenario->fleet.workloads[0].sites, (std::vector<std::uint32_t>{0, 1, 2, 3}));
}

TEST(Overrides, DottedAndPointerPathsSetValuesBeforeValidation) {
  const LoadResult r = load(kSmall, {"seed=7", "/duration=2h", "workloads.0.dispatch=random",
                                     "fleet.0.count=3", "output.request_events=false",
                                     "device_types.rpi4.cores=2"});
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  EXPECT_EQ(f.seed, 7u);
  EXPECT_EQ(f.duration, 2 * sim::kHour);
  EXPECT_EQ(f.workloads[0].dispatch, models::Dispatch::kRandom);
  EXPECT_EQ(f.devices.size(), 10u);
  EXPECT_FALSE(f.record_requests);
  EXPECT_EQ(f.types[0].cores, 2);  // declared objects are created on the way
  EXPECT_EQ(json::parse(r.scenario->resolved_json)["seed"], 7);
}

TEST(Overrides, ABadPathIsAnErrorNamingTheOverride) {
  const LoadResult r = load(kSmall, {"fleet.9.count=3", "nosuch.key=1", "seed"});
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 3u) << r.error_text();
  EXPECT_EQ(r.errors[0].path, "/fleet/9/count");
  EXPECT_NE(r.errors[0].message.find("fleet.9.count=3"), std::string::npos);
  EXPECT_NE(r.errors[0].message.find("2 entries"), std::string::npos);
  EXPECT_NE(r.errors[1].message.find("no key 'nosuch'"), std::string::npos);
  EXPECT_NE(r.errors[2].message.find("PATH=VALUE"), std::string::npos);
}

TEST(Overrides, AnInvalidOverriddenValueIsBlamedOnTheOverrideNotALine) {
  const LoadResult r = load(kSmall, {"fleet.0.count=-1"});
  ASSERT_EQ(r.errors.size(), 1u) << r.error_text();
  EXPECT_EQ(r.errors[0].path, "/fleet/0/count");
  EXPECT_EQ(r.errors[0].line, 0);
  EXPECT_NE(r.errors[0].message.find("--set fleet.0.count=-1"), std::string::npos);
}

TEST(Examples, EveryBundledExampleLoadsWithoutError) {
  for (const char* name : {"default", "mm1", "city-inference", "network-outages"}) {
    const std::string path = testing::source_dir() + "/scenarios/examples/" + name + ".json";
    const LoadResult r = load_scenario_file(path);
    EXPECT_TRUE(r.ok()) << path << "\n" << r.error_text();
  }
}

TEST(Examples, TheEmbeddedDefaultIsTheDefaultJsonFile) {
  EXPECT_EQ(default_scenario_text(),
            testing::read_text(testing::source_dir() + "/scenarios/examples/default.json"));
  const LoadResult r = load_default_scenario({"seed=3"});
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.scenario->source, "<default>");
  EXPECT_EQ(r.scenario->fleet.seed, 3u);
}

TEST(Examples, MM1IsOneSingleCoreUnitSpeedServerAtRhoPointEight) {
  const LoadResult r =
      load_scenario_file(testing::source_dir() + "/scenarios/examples/mm1.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  ASSERT_EQ(f.devices.size(), 1u);
  const models::DeviceType& t = f.types[f.devices[0].type];
  EXPECT_EQ(t.cores, 1);
  EXPECT_DOUBLE_EQ(t.core_speed, 1.0);
  ASSERT_EQ(f.workloads.size(), 1u);
  // rho = lambda * E[S] / (cores * speed) = 8 * 0.1 / 1 = 0.8
  EXPECT_DOUBLE_EQ(f.workloads[0].rate_per_s * f.workloads[0].service_s.mean(), 0.8);
}

TEST(Examples, CityInferenceHasFiftyEdgeSitesAndOverTwoThousandDevices) {
  const LoadResult r =
      load_scenario_file(testing::source_dir() + "/scenarios/examples/city-inference.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  std::size_t edge = 0;
  for (const auto& s : f.sites) edge += s.kind == "edge";
  EXPECT_EQ(edge, 50u);
  EXPECT_GE(f.devices.size(), 2000u);
  EXPECT_GE(f.workloads.size(), 3u);
}

TEST(Examples, EveryExampleKeepsEachSiteBelowEightyPercentUtilisation) {
  // Offered load of a site: sum over workloads at it of rate * E[S], in reference-core seconds
  // per second; capacity: sum over its devices of cores * core_speed. rho = load / capacity.
  for (const char* name : {"default", "mm1", "city-inference", "network-outages"}) {
    const LoadResult r =
        load_scenario_file(testing::source_dir() + "/scenarios/examples/" + name + ".json");
    ASSERT_TRUE(r.ok()) << r.error_text();
    const models::FleetConfig& f = r.scenario->fleet;
    std::vector<double> load(f.sites.size()), capacity(f.sites.size());
    for (const auto& d : f.devices) {
      capacity[d.site] += f.types[d.type].cores * f.types[d.type].core_speed;
    }
    for (const auto& w : f.workloads) {
      for (std::uint32_t s : w.sites) load[s] += w.rate_per_s * w.service_s.mean();
    }
    for (std::size_t s = 0; s < f.sites.size(); ++s) {
      if (load[s] > 0) {
        EXPECT_LE(load[s] / capacity[s], 0.8 + 1e-12) << name << " " << f.sites[s].name;
      }
    }
  }
}

}  // namespace
}  // namespace edgetwin::scenarios
