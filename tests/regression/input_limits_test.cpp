// Regression tests for inputs that crashed, wrapped around or ran away before a first review.
// Each test is named after what broke.
#include <gtest/gtest.h>

#include <string>

#include "models/fleet_model.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"
#include "sim/units.h"

namespace edgetwin {
namespace {

std::string scenario(const std::string& sites, const std::string& fleet, const std::string& rate,
                     const std::string& extra = "") {
  return R"({"name": "r", )" + extra + R"("sites": [{"name": ")" + sites +
         R"("}], "fleet": [{"type": "rpi4", "count": )" + fleet +
         R"(, "site": "*"}], "workloads": [{"name": "w", "sites": "*", "arrivals": {"poisson_per_s": )" +
         rate + R"(}, "service": {"distribution": "exponential", "mean": "10ms"}}]})";
}

bool has_error(const scenarios::LoadResult& r, const std::string& path, const std::string& text) {
  for (const auto& e : r.errors) {
    if (e.path == path && e.message.find(text) != std::string::npos) return true;
  }
  ADD_FAILURE() << r.error_text();
  return false;
}

TEST(Regression, AUnitStringWithManyFractionalZerosWasADivisionByZero) {
  const std::string zeros(140, '0');
  EXPECT_FALSE(sim::parse_duration("0." + zeros + "1s").ok());
  EXPECT_FALSE(sim::parse_size("0." + zeros + "1MB").ok());
  EXPECT_FALSE(sim::parse_rate("0." + zeros + "1Mbps").ok());
  EXPECT_EQ(sim::parse_duration("0.000000001s").value, 1);  // 9 decimals still fine
}

TEST(Regression, DeeplyNestedJsonOverflowedTheStack) {
  const std::string deep = R"({"name": "x", "description": )" + std::string(100000, '[') +
                           std::string(100000, ']') + "}";
  const auto r = scenarios::load_scenario_text(deep, "deep.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errors.at(0).message.find("nested deeper than 64"), std::string::npos);
  EXPECT_EQ(r.errors.at(0).line, 1);
}

TEST(Regression, ANumberBeyondDoubleRangeWasAnInternalError) {
  const auto r = scenarios::load_scenario_text(scenario("s", "1", "1e400"), "big.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error_text().find("invalid JSON"), std::string::npos);
}

TEST(Regression, AFleetBeyondTheLogicalProcessLimitPassedValidation) {
  const auto r = scenarios::load_scenario_text(scenario("s{1..2}", "9000000", "1"), "huge.json");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "/fleet", "18000000 devices"));
}

TEST(Regression, ARunThatWouldNeverEndPassedValidation) {
  const auto r = scenarios::load_scenario_text(
      scenario("s", "1", "1e9", R"("duration": "30d", )"), "runaway.json");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "/workloads", "set max_requests"));
  // The same rate with a request budget is fine.
  EXPECT_TRUE(scenarios::load_scenario_text(
                  scenario("s", "1", "1e9", R"("duration": "30d", "max_requests": 1000, )"), "ok")
                  .ok());
  const auto samples = scenarios::load_scenario_text(
      scenario("s", "1", "1", R"("duration": "10h", "output": {"sample_interval": "1ns"}, )"), "s");
  ASSERT_FALSE(samples.ok());
  EXPECT_TRUE(has_error(samples, "/output/sample_interval", "sample less often"));
}

TEST(Regression, RandomOutagesThatWouldNeverEndPassedValidation) {
  const std::string text = R"({"name": "flap", "duration": "1h",
    "sites": [{"name": "cloud", "kind": "cloud"}, {"name": "e1"}],
    "fleet": [{"type": "rpi4", "count": 1, "site": "*"}],
    "network": {},
    "outages": [{"kind": "link", "between": ["e1", "cloud"], "mtbf": "1ns", "mttr": "1ns"}],
    "workloads": [{"name": "w", "sites": "e1", "arrivals": {"poisson_per_s": 1},
                   "service": {"distribution": "exponential", "mean": "10ms"}}]})";
  const auto r = scenarios::load_scenario_text(text, "flap.json");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "/outages", "lengthen mtbf and mttr"));
}

TEST(Regression, HeavyTailedServiceTimesWrappedAroundToNegativeLatencies) {
  // Lognormal mu = 50 (e^50 s ~ 1.6e14 years): departures saturate at the end of time instead of
  // wrapping to negative times; nothing completes within the hour, nothing is negative.
  models::FleetConfig c;
  c.duration = sim::kHour;
  c.types = {*models::find_builtin_device_type("nuc")};
  c.sites = {{"s", "edge"}};
  c.devices = {{"d", 0, 0, {}}};
  c.workloads = {{"w", {0}, 1.0, sim::Distribution::lognormal(50.0, 1.0), models::Dispatch::kRandom}};
  models::FleetModel model(c);
  sim::Engine engine(model.lp_count());
  model.start(engine);
  engine.run(model, c.duration);
  model.finish(engine.now());
  EXPECT_GT(model.arrivals(), 3000u);
  EXPECT_EQ(model.completions(), 0u);
  for (const auto& s : model.timeseries()) {
    for (double v : s.value) EXPECT_GE(v, 0.0) << s.name;
  }
  EXPECT_EQ(sim::from_seconds(1e300), sim::kTimeMax);
  EXPECT_EQ(sim::add_saturating(sim::kTimeMax - 5, 10), sim::kTimeMax);
}

TEST(Regression, AModelThatSchedulesInThePastIsStoppedWithItsName) {
  struct Backwards final : sim::Model {
    void handle(const sim::Event& e, sim::Engine& engine) override {
      engine.schedule(0, 0, e.time - 1, 0);
    }
  } model;
  sim::Engine engine(1);
  engine.schedule(0, 0, 100, 7);
  try {
    engine.run(model);
    FAIL() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("before the current time 100 ns"), std::string::npos);
  }
}

}  // namespace
}  // namespace edgetwin
