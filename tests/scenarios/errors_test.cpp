// Bad input: every error is found in one pass, and each names its JSON path and line.
#include <algorithm>

#include <gtest/gtest.h>

#include "scenarios/scenario.h"

namespace edgetwin::scenarios {
namespace {

LoadResult load(std::string_view text, const std::vector<std::string>& overrides = {}) {
  return load_scenario_text(text, "bad.json", overrides);
}

// The one error of `text`, which must have exactly one.
ScenarioError only_error(std::string_view text) {
  const LoadResult r = load(text);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.errors.size(), 1u) << r.error_text();
  return r.errors.empty() ? ScenarioError{} : r.errors[0];
}

TEST(Errors, ThreeDistinctErrorsAreAllReportedWithTheirPathsAndLines) {
  const LoadResult r = load(R"({
  "name": "three",
  "duration": "5 parsecs",
  "sites": [ { "name": "edge-{1..2}" } ],
  "fleet": [
    { "type": "rpi4", "count": -5, "site": "edge-*" }
  ],
  "workloads": [ { "name": "w", "sites": "edge-*", "arrivals": { "poisson_per_s": 1 },
                   "service": { "distribution": "exponential", "mean": "1s" },
                   "dispatch": "fastest" } ]
})");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 3u) << r.error_text();
  EXPECT_EQ(r.errors[0].path, "/duration");
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[1].path, "/fleet/0/count");
  EXPECT_EQ(r.errors[1].line, 6);
  EXPECT_EQ(r.errors[1].message, "expected a positive integer, got -5");
  EXPECT_EQ(r.errors[2].path, "/workloads/0/dispatch");
  EXPECT_EQ(r.errors[2].line, 10);
  EXPECT_EQ(r.errors[1].format("bad.json"),
            "bad.json:6: /fleet/0/count: expected a positive integer, got -5");
  // error_text: one line per error, each with the source and line.
  const std::string text = r.error_text();
  EXPECT_EQ(text.substr(0, 22), "bad.json:3: /duration:");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

TEST(Errors, MalformedJsonGivesTheLineAndColumn) {
  const ScenarioError e = only_error("{\n  \"name\": \"x\",\n  \"seed\": 1,,\n}");
  EXPECT_EQ(e.path, "");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.message.find("invalid JSON at line 3, column 13"), std::string::npos) << e.message;
}

TEST(Errors, AnUnknownKeySuggestsTheClosestValidKey) {
  const ScenarioError e = only_error(R"({"name": "x", "durration": "1h",
    "sites": [{"name": "s"}], "fleet": [{"type": "rpi4", "site": "s"}],
    "workloads": [{"name": "w", "sites": "s", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "1ms"}}]})");
  EXPECT_EQ(e.path, "/durration");
  EXPECT_EQ(e.line, 1);
  EXPECT_NE(e.message.find("did you mean 'duration'?"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("valid keys here: $schema, name"), std::string::npos) << e.message;
}

TEST(Errors, AnUnknownDeviceTypeListsTheKnownOnesAndSuggestsOne) {
  const ScenarioError e = only_error(R"({"name": "x", "sites": [{"name": "s"}],
    "fleet": [{"type": "rpi5", "site": "s"}],
    "workloads": [{"name": "w", "sites": "s", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "1ms"}}]})");
  EXPECT_EQ(e.path, "/fleet/0/type");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("did you mean 'rpi3' or 'rpi4'?"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("jetson-nano"), std::string::npos) << e.message;
}

TEST(Errors, ASelectorMatchingNothingListsTheSites) {
  const ScenarioError e = only_error(R"({"name": "x", "sites": [{"name": "edge-{1..3}"}],
    "fleet": [{"type": "rpi4", "site": "edge-1"}],
    "workloads": [{"name": "w", "sites": "egde-*", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "1ms"}}]})");
  EXPECT_EQ(e.path, "/workloads/0/sites");
  EXPECT_NE(e.message.find("'egde-*' matches no site; sites: edge-1, edge-2, edge-3"),
            std::string::npos)
      << e.message;
}

TEST(Errors, AWorkloadAtASiteWithoutDevicesIsAnError) {
  const ScenarioError e = only_error(R"({"name": "x", "sites": [{"name": "a"}, {"name": "b"}],
    "fleet": [{"type": "rpi4", "site": "a"}],
    "workloads": [{"name": "w", "sites": "*", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "1ms"}}]})");
  EXPECT_EQ(e.path, "/workloads/0/sites");
  EXPECT_NE(e.message.find("site b has no devices"), std::string::npos) << e.message;
}

TEST(Errors, DuplicateNamesAfterRangeExpansionAreErrors) {
  const LoadResult r = load(R"({"name": "x",
    "sites": [{"name": "edge-{1..3}"}, {"name": "edge-{3..4}"}],
    "fleet": [{"type": "rpi4", "site": "edge-1"}, {"type": "rpi4", "site": "edge-1"}],
    "workloads": [{"name": "w", "sites": "edge-1", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "1ms"}},
                  {"name": "w", "sites": "edge-1", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "1ms"}}]})");
  ASSERT_EQ(r.errors.size(), 3u) << r.error_text();
  EXPECT_EQ(r.errors[0].path, "/sites/1/name");
  EXPECT_NE(r.errors[0].message.find("duplicate site name 'edge-3'"), std::string::npos);
  EXPECT_EQ(r.errors[1].path, "/fleet/1");
  EXPECT_NE(r.errors[1].message.find("duplicate device names"), std::string::npos);
  EXPECT_EQ(r.errors[2].path, "/workloads/1/name");
  EXPECT_EQ(r.errors[2].line, 6);
}

TEST(Errors, MissingRequiredKeysPointAtTheObjectThatLacksThem) {
  const LoadResult r = load("{\n  \"seed\": 1\n}");
  ASSERT_EQ(r.errors.size(), 4u) << r.error_text();  // name, sites, fleet, workloads
  EXPECT_EQ(r.errors[0].path, "/name");
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_NE(r.errors[0].message.find("missing required key 'name'"), std::string::npos);
}

TEST(Errors, DistributionKeysMustMatchTheDistribution) {
  const LoadResult r = load(R"({"name": "x", "sites": [{"name": "s"}],
    "fleet": [{"type": "rpi4", "site": "s"}],
    "workloads": [
      {"name": "a", "sites": "s", "arrivals": {"poisson_per_s": 1},
       "service": {"distribution": "uniform", "low": "5ms", "mean": "1ms"}},
      {"name": "b", "sites": "s", "arrivals": {"poisson_per_s": 1},
       "service": {"distribution": "lognormal", "mean": "5ms", "sigma": 1}},
      {"name": "c", "sites": "s", "arrivals": {"poisson_per_s": 1},
       "service": {"distribution": "uniform", "low": "5ms", "high": "1ms"}}]})");
  ASSERT_EQ(r.errors.size(), 4u) << r.error_text();
  EXPECT_EQ(r.errors[0].path, "/workloads/0/service/mean");
  EXPECT_NE(r.errors[0].message.find("not a parameter of uniform"), std::string::npos);
  EXPECT_EQ(r.errors[1].path, "/workloads/0/service");
  EXPECT_NE(r.errors[1].message.find("uniform needs low and high"), std::string::npos);
  EXPECT_NE(r.errors[2].message.find("mean and cv, or mu and sigma, not keys of both"),
            std::string::npos)
      << r.errors[2].message;
  EXPECT_EQ(r.errors[3].path, "/workloads/2/service/high");
}

TEST(Errors, CrossFieldRulesAreChecked) {
  const LoadResult r = load(R"({"name": "x", "duration": "1h", "warmup": "2h",
    "device_types": {"rpi4": {"max_power_w": 1}, "board": {"cores": 1}},
    "sites": [{"name": "s"}], "fleet": [{"type": "rpi4", "site": "s"}],
    "workloads": [{"name": "w", "sites": "s", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "1ms"}}]})");
  ASSERT_EQ(r.errors.size(), 3u) << r.error_text();
  EXPECT_EQ(r.errors[0].path, "/warmup");
  EXPECT_EQ(r.errors[1].path, "/device_types/rpi4/max_power_w");
  EXPECT_NE(r.errors[1].message.find("below idle_power_w"), std::string::npos);
  EXPECT_EQ(r.errors[2].path, "/device_types/board");
  EXPECT_NE(r.errors[2].message.find("needs a 'base' or every field"), std::string::npos);
}

TEST(Errors, DuplicateJsonKeysAreReported) {
  const ScenarioError e = only_error(R"({"name": "x", "sites": [{"name": "s"}],
    "fleet": [{"type": "rpi4", "site": "s", "count": 1, "count": 2}],
    "workloads": [{"name": "w", "sites": "s", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "1ms"}}]})");
  EXPECT_EQ(e.path, "/fleet/0/count");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("duplicate key 'count'"), std::string::npos);
}

TEST(Errors, UnitErrorsCarryTheParserMessageAndThePath) {
  const LoadResult r = load(R"({"name": "x", "duration": 3600,
    "device_types": {"b": {"base": "rpi4", "memory": "4Gb"}},
    "sites": [{"name": "s"}], "fleet": [{"type": "b", "site": "s"}],
    "workloads": [{"name": "w", "sites": "s", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "constant", "value": "-1ms"}}]})");
  ASSERT_EQ(r.errors.size(), 3u) << r.error_text();
  EXPECT_EQ(r.errors[0].path, "/duration");
  EXPECT_NE(r.errors[0].message.find("write e.g. \"3600s\""), std::string::npos);
  EXPECT_EQ(r.errors[1].path, "/device_types/b/memory");
  EXPECT_EQ(r.errors[1].line, 2);
  EXPECT_EQ(r.errors[2].path, "/workloads/0/service/value");
  EXPECT_NE(r.errors[2].message.find("negative"), std::string::npos);
}

TEST(Errors, AMissingFileNamesThePath) {
  const LoadResult r = load_scenario_file("/no/such/dir/scenario.json");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.error_text().find("/no/such/dir/scenario.json"), std::string::npos);
  EXPECT_NE(r.error_text().find("no such file"), std::string::npos);
}

TEST(Errors, ADocumentThatIsNotAnObjectIsAnError) {
  const ScenarioError e = only_error("[1, 2]");
  EXPECT_NE(e.message.find("a scenario is a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace edgetwin::scenarios
