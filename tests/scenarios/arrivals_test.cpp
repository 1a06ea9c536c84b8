// The `arrivals` object of request workloads: every process read into the FleetConfig, the older
// `poisson_per_s` form kept, computed defaults written into the resolved scenario, and the
// checks that span keys. Errors of single keys are the data cases of tests/bad_input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "scenarios/scenario.h"

namespace edgetwin::scenarios {
namespace {

using nlohmann::json;

// A small scenario whose one request workload (at two sites) arrives as `arrivals`.
LoadResult load_with(const json& arrivals, const char* kind = "requests") {
  json doc = json::parse(R"({
    "name": "arrivals", "sites": [ { "name": "cloud", "kind": "cloud" }, { "name": "edge-{1..2}" } ],
    "fleet": [ { "type": "rpi4", "site": "*" } ], "network": {},
    "workloads": [ { "name": "w", "sites": "edge-*",
                     "service": { "distribution": "exponential", "mean": "100ms" } } ] })");
  doc["workloads"][0]["arrivals"] = arrivals;
  if (std::string(kind) == "transfers") {
    json& w = doc["workloads"][0];
    w.erase("service");
    w["kind"] = "transfers";
    w["peer"] = "cloud";
    w["size"] = "1MB";
  }
  return load_scenario_text(doc.dump(), "arrivals.json");
}

const models::WorkloadConfig& workload(const LoadResult& r) { return r.scenario->fleet.workloads[0]; }

// In the order of the resolved text.
nlohmann::ordered_json resolved_arrivals(const LoadResult& r) {
  return nlohmann::ordered_json::parse(r.scenario->resolved_json)["workloads"][0]["arrivals"];
}

bool has_error(const LoadResult& r, const std::string& path, const std::string& text) {
  for (const auto& e : r.errors) {
    if (e.path == path && e.message.find(text) != std::string::npos) return true;
  }
  ADD_FAILURE() << "no error at " << path << " containing '" << text << "':\n" << r.error_text();
  return false;
}

TEST(ScenarioArrivals, TheOlderPoissonFormStillMeansAPoissonProcessOfThatRate) {
  const LoadResult r = load_with({{"poisson_per_s", 12.5}});
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(workload(r).arrivals.kind, models::ArrivalProcess::Kind::kPoisson);
  EXPECT_DOUBLE_EQ(workload(r).rate_per_s, 12.5);
  EXPECT_EQ(resolved_arrivals(r).dump(), R"({"process":"poisson","poisson_per_s":12.5})");
}

TEST(ScenarioArrivals, EveryProcessIsReadWithItsParametersAndItsMeanRate) {
  const LoadResult poisson = load_with({{"process", "poisson"}, {"rate_per_s", 3}});
  ASSERT_TRUE(poisson.ok()) << poisson.error_text();
  EXPECT_DOUBLE_EQ(workload(poisson).rate_per_s, 3.0);

  const LoadResult constant =
      load_with({{"process", "constant"}, {"rate_per_s", 4}, {"random_phase", true}});
  ASSERT_TRUE(constant.ok()) << constant.error_text();
  EXPECT_EQ(workload(constant).arrivals.kind, models::ArrivalProcess::Kind::kConstant);
  EXPECT_TRUE(workload(constant).arrivals.random_phase);
  EXPECT_DOUBLE_EQ(workload(constant).rate_per_s, 4.0);
  EXPECT_FALSE(load_with({{"process", "constant"}, {"rate_per_s", 4}})
                   .scenario->fleet.workloads[0].arrivals.random_phase);  // the default

  const LoadResult sinusoid = load_with(
      {{"process", "diurnal"}, {"rate_per_s", 10}, {"amplitude", 0.5}, {"peak", "14h"}});
  ASSERT_TRUE(sinusoid.ok()) << sinusoid.error_text();
  const models::ArrivalProcess& s = workload(sinusoid).arrivals;
  EXPECT_EQ(s.kind, models::ArrivalProcess::Kind::kDiurnal);
  EXPECT_TRUE(s.hourly_per_s.empty());
  EXPECT_DOUBLE_EQ(s.amplitude, 0.5);
  EXPECT_EQ(s.peak, 14 * sim::kHour);
  EXPECT_EQ(s.period, sim::kDay);
  EXPECT_DOUBLE_EQ(workload(sinusoid).rate_per_s, 10.0);
  // The sinusoid's computed default (period) is written into the resolved scenario, in order.
  EXPECT_EQ(resolved_arrivals(sinusoid).dump(),
            R"({"process":"diurnal","rate_per_s":10,"amplitude":0.5,"peak":"14h","period":"24h"})");

  json hours = json::array();
  for (int h = 0; h < 24; ++h) hours.push_back(h < 12 ? 1.0 : 3.0);
  const LoadResult profile = load_with({{"process", "diurnal"}, {"hourly_per_s", hours}});
  ASSERT_TRUE(profile.ok()) << profile.error_text();
  EXPECT_EQ(workload(profile).arrivals.hourly_per_s.size(), 24u);
  EXPECT_DOUBLE_EQ(workload(profile).rate_per_s, 2.0);  // the mean of the profile
  EXPECT_FALSE(resolved_arrivals(profile).contains("period"));

  const LoadResult mmpp = load_with(
      {{"process", "mmpp"},
       {"states", {{{"rate_per_s", 2}, {"sojourn", "1m"}}, {{"rate_per_s", 40}, {"sojourn", "10s"}}}}});
  ASSERT_TRUE(mmpp.ok()) << mmpp.error_text();
  const models::ArrivalProcess& m = workload(mmpp).arrivals;
  ASSERT_EQ(m.states.size(), 2u);
  EXPECT_DOUBLE_EQ(m.states[0].mean_sojourn_s, 60.0);
  EXPECT_DOUBLE_EQ(m.states[1].rate_per_s, 40.0);
  EXPECT_NEAR(workload(mmpp).rate_per_s, (2.0 * 60 + 40.0 * 10) / 70, 1e-12);  // sum pi_i l_i
}

TEST(ScenarioArrivals, ChecksThatSpanKeysNameThePathAndWhatToChange) {
  EXPECT_TRUE(has_error(load_with({{"rate_per_s", 1}, {"poisson_per_s", 1}}),
                        "/workloads/0/arrivals/poisson_per_s", "not both"));
  EXPECT_TRUE(has_error(load_with({{"process", "poisson"}}), "/workloads/0/arrivals",
                        "missing required key 'rate_per_s'"));
  EXPECT_TRUE(has_error(load_with({{"process", "constant"}}), "/workloads/0/arrivals",
                        "missing required key 'rate_per_s'"));
  EXPECT_TRUE(has_error(load_with({{"process", "diurnal"}, {"rate_per_s", 1}}),
                        "/workloads/0/arrivals", "diurnal needs rate_per_s and amplitude"));
  json hours = json::array();
  for (int h = 0; h < 24; ++h) hours.push_back(1);
  EXPECT_TRUE(has_error(load_with({{"process", "diurnal"}, {"hourly_per_s", hours}, {"peak", "3h"}}),
                        "/workloads/0/arrivals/peak", "belongs to the sinusoid"));
  EXPECT_TRUE(has_error(load_with({{"process", "diurnal"}, {"rate_per_s", 1}, {"amplitude", 0.3},
                                   {"peak", "25h"}}),
                        "/workloads/0/arrivals/peak", "must be less than the period (24h)"));
  EXPECT_TRUE(has_error(load_with({{"process", "constant"}, {"rate_per_s", 1}}, "transfers"),
                        "/workloads/0/arrivals/process", "Poisson process only"));
  EXPECT_TRUE(load_with({{"rate_per_s", 0.5}}, "transfers").ok());
}

TEST(ScenarioArrivals, TheScaleCheckUsesTheMeanRate) {
  // An MMPP whose busy state alone would offer 2e9/s but whose mean is 1e5/s at each of 2 sites:
  // 2e5 * 3600 * 3 events = 2.2e9, under the limit of 1e11; the busy rate would exceed it.
  const LoadResult r = load_with(
      {{"process", "mmpp"},
       {"states", {{{"rate_per_s", 1e9}, {"sojourn", "1ms"}}, {{"rate_per_s", 0}, {"sojourn", "10s"}}}}});
  EXPECT_TRUE(r.ok()) << r.error_text();
}

}  // namespace
}  // namespace edgetwin::scenarios
