// The "scheduler" section: placements of new function instances decided by the Kubernetes-style
// framework, in simulated time (docs/scheduling.md, "Placement in a scenario"). Single-key
// errors are the data cases of tests/bad_input (scheduler_*).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "models/fleet_model.h"
#include "scenarios/scenario.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::scenarios {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using models::PlacementOutcome;
using models::PlacementRecords;
using sim::kMillisecond;

// Container starts of 0.5 s (+ at most 2 ns): loc 0.5 + 1e-9 x exp(0.1 Z), within [0.5, 0.6].
constexpr sim::Time kStart = 500 * kMillisecond;
constexpr sim::Time kTolerance = 1000;  // ns: the container start's jitter, with margin

class SchedulerScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("edgetwin-scheduler-test-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Two devices of 2 cores and 4 GiB at one site; functions f and g each take 1 GiB per instance
  // and run 0.5 s (work, core speed 1), no image. Workload "calls" runs f at the times (s) listed
  // in `times`, workload "other" (when `other` lists times) runs g; the scheduler section
  // `scheduler` (none when null).
  json scenario(const std::string& times, const json& scheduler, const std::string& keep_alive,
                const std::string& other = "") {
    std::ofstream trace(dir_ / "calls.csv");
    trace << "time,workload\n";
    std::istringstream in(times);
    for (std::string t; in >> t;) trace << t << ",calls\n";
    std::istringstream in_other(other);
    for (std::string t; in_other >> t;) trace << t << ",other\n";
    trace.close();
    const json fn = {{"work", "0.5s"}, {"memory", "1GiB"}, {"keep_alive", keep_alive}};
    json doc = {
        {"name", "scheduler"},
        {"duration", "10s"},
        {"device_types",
         {{"two",
           {{"base", "cloud-vm"},
            {"cores", 2},
            {"memory", "4GiB"},
            {"max_instances", 4},
            {"container_start",
             {{"s", 0.1}, {"loc", 0.5}, {"scale", 1e-9}, {"xmin", 0.5}, {"xmax", 0.6}}}}}}},
        {"sites", {{{"name", "edge"}}}},
        {"fleet", {{{"type", "two"}, {"count", 2}, {"site", "edge"}, {"name", "d"}}}},
        {"functions", {{"f", fn}, {"g", fn}}},
        {"workloads", json::array()}};
    for (const char* name : {"calls", "other"}) {
      if (name[0] == 'o' && other.empty()) continue;
      doc["workloads"].push_back({{"name", name},
                                  {"sites", "edge"},
                                  {"function", name[0] == 'c' ? "f" : "g"},
                                  {"arrivals", {{"process", "trace"}, {"file", "calls.csv"}}}});
    }
    if (!scheduler.is_null()) doc["scheduler"] = scheduler;
    return doc;
  }
  LoadResult load(const json& doc) {
    const fs::path file = dir_ / "scenario.json";
    std::ofstream(file) << doc.dump(2);
    return load_scenario_file(file.string());
  }

  fs::path dir_;
};

// LeastAllocated alone, cost 100 ms per cycle + 10 ms per node filtered + 5 ms per node scored,
// back-off 1.2 s.
json hand_scheduler() {
  return {{"filter", {"NodeResourcesFit"}},
          {"score", {{{"name", "NodeResourcesFit"}, {"weight", 1}}}},
          {"cost", {{"per_cycle", "100ms"}, {"per_node_filtered", "10ms"}, {"per_node_scored", "5ms"}}},
          {"backoff", {{"initial", "1.2s"}, {"max", "10s"}}}};
}

TEST_F(SchedulerScenario, AHandComputedScheduleLandsWhereAndWhenTheCostModelSays) {
  // Four requests of f and one of g, 0.1 s apart, keep-alive 0: each needs a new instance, so
  // each is a placement. Nodes: 2000 millicores (min(2 cores, 4 instances) x 1000), 4 GiB; a
  // pod: 1000 m, 1 GiB. LeastAllocated = ((2000 - cpu) x 100 / 2000 + (4 - mem) x 100 / 4) / 2,
  // integer division, counting the pod: empty node (50 + 75) / 2 = 62; one pod (0 + 50) / 2 = 25.
  // Cycle cost: 100 ms + 10 ms x 2 examined + 5 ms x feasible.
  //   p0 queued 0.1, cycle 0.100-0.230 (2 feasible): d0 and d1 tie at 62 -> d0 (lowest index).
  //   p1 queued 0.2, waits for the scheduler, cycle 0.230-0.360: d0 25, d1 62 -> d1, 62.
  //   p2 queued 0.3, cycle 0.360-0.490: 25 and 25 -> d0, 25.
  //   p3 queued 0.4, cycle 0.490-0.615 (d0 full: 1 feasible): d1, 25.
  //   p4 (g) queued 0.5, cycle 0.615-0.735: both full, unschedulable; back-off to 0.615 + 1.2.
  // p0's instance runs 0.730-1.230 (start 0.5 s, exec 0.5 s); no placement of f waits, so it is
  // removed at 1.230 (keep-alive 0): capacity freed, but p4 waits out its back-off to 1.815; by
  // then every instance is gone, so its second cycle 1.815-1.945 finds both empty (62, 62) -> d0.
  const LoadResult r =
      load(scenario("0.1 0.2 0.3 0.4", hand_scheduler(), "0s", /*other=*/"0.5"));
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto model = models::testing::run_fleet(r.scenario->fleet);
  const PlacementRecords& p = model->placements();
  ASSERT_EQ(p.size(), 5u);
  const sim::Time ms = kMillisecond;
  const sim::Time queued[] = {100 * ms, 200 * ms, 300 * ms, 400 * ms, 500 * ms};
  const sim::Time decided[] = {230 * ms, 360 * ms, 490 * ms, 615 * ms, 1945 * ms};
  const std::uint32_t device[] = {0, 1, 0, 1, 0};
  const std::int64_t score[] = {62, 62, 25, 25, 62};
  const std::uint32_t feasible[] = {2, 2, 2, 1, 2};
  const std::uint32_t attempts[] = {1, 1, 1, 1, 2};
  for (std::size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE("placement " + std::to_string(i));
    EXPECT_EQ(p.queued_ns[i], queued[i]);
    EXPECT_EQ(p.decided_ns[i], decided[i]);  // cycle costs only: exact
    EXPECT_EQ(p.device[i], device[i]);
    EXPECT_EQ(p.score[i], score[i]);
    EXPECT_EQ(p.nodes_examined[i], 2u);
    EXPECT_EQ(p.feasible[i], feasible[i]);
    EXPECT_EQ(p.attempts[i], attempts[i]);
    EXPECT_EQ(p.outcome[i], static_cast<std::uint8_t>(PlacementOutcome::kPlaced));
  }
  // Each request ran on its placement's device: end = decided + 0.5 s start + 0.5 s exec, and
  // its queue time is the wait for the placement (nothing waited at the device).
  const models::RequestRecords& q = model->requests();
  ASSERT_EQ(q.size(), 5u);
  for (std::size_t k = 0; k < 5; ++k) {
    std::size_t i = 0;
    while (q.arrival_ns[k] != queued[i]) ++i;
    SCOPED_TRACE("request at " + std::to_string(queued[i]));
    EXPECT_EQ(q.device[k], device[i]);
    EXPECT_LE(std::abs(q.end_ns[k] - (decided[i] + kStart + 500 * ms)), kTolerance);
    EXPECT_EQ(q.queue_ns[k], decided[i] - queued[i]);
    EXPECT_LE(std::abs(q.cold_start_ns[k] - kStart), kTolerance);
    EXPECT_EQ(q.end_ns[k] - q.arrival_ns[k],
              q.network_ns[k] + q.queue_ns[k] + q.cold_start_ns[k] + q.exec_ns[k]);
  }
  EXPECT_EQ(model->function_counts().cold_starts, 5u);
}

TEST_F(SchedulerScenario, AnUnschedulablePlacementTakesAnInstanceThatBecomesIdleFirst) {
  // As above but all five requests run f, keep-alive 10 s: p4 is unschedulable at 0.615 (both
  // devices hold two instances); at 1.230 p0's instance turns idle on d0, a candidate of p4's
  // request, which takes it at once (warm): p4 is withdrawn at 1.230 and its request ends at
  // 1.230 + 0.5 s exec, its queue time the 0.730 s it waited.
  const LoadResult r = load(scenario("0.1 0.2 0.3 0.4 0.5", hand_scheduler(), "10s"));
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto model = models::testing::run_fleet(r.scenario->fleet);
  const PlacementRecords& p = model->placements();
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p.outcome[4], static_cast<std::uint8_t>(PlacementOutcome::kWithdrawn));
  EXPECT_EQ(p.attempts[4], 1u);
  EXPECT_EQ(p.feasible[4], 0u);
  EXPECT_EQ(p.device[4], 0u);
  EXPECT_LE(std::abs(p.decided_ns[4] - 1230 * kMillisecond), kTolerance);
  const models::RequestRecords& q = model->requests();
  ASSERT_EQ(q.size(), 5u);
  const std::size_t last = q.arrival_ns[4] == 500 * kMillisecond ? 4 : 3;
  ASSERT_EQ(q.arrival_ns[last], 500 * kMillisecond);
  EXPECT_EQ(q.cold_start_ns[last], 0);
  EXPECT_EQ(q.end_ns[last], p.decided_ns[4] + 500 * kMillisecond);
  EXPECT_EQ(q.queue_ns[last], p.decided_ns[4] - 500 * kMillisecond);
  EXPECT_EQ(model->function_counts().warm_starts, 1u);
  EXPECT_EQ(model->placement_policy()->pending(), 0u);
}

TEST_F(SchedulerScenario, ADeviceGoingDownGivesBackItsReservationsAndItsRequestIsPlacedAgain) {
  // Regression guard for leaked reservations. p0 -> d0 (decided 0.230), p1 -> d1 (0.360), as in
  // the hand-computed schedule. d0 fails during [0.5 s, 2 s) with policy retry: p0's request,
  // in its cold start, is evicted at 0.5 and becomes p2; d0 is no candidate now, d1 holds one
  // pod: cycle 0.500-0.625 (2 examined, 1 feasible), d1, score 25. By 3 s every instance is gone
  // (keep-alive 0) and d0 is back: p3 finds both empty (62, 62) -> d0, which it could not if d0
  // still counted p0's pod (25 < 62 would send it to d1).
  json doc = scenario("0.1 0.2 3", hand_scheduler(), "0s");
  doc["outages"] = {{{"kind", "device_failures"}, {"devices", "d-edge-1"},
                     {"windows", json::array({json::array({"0.5s", "2s"})})}}};
  doc["on_device_failure"] = {{"policy", "retry"}, {"max_retries", 2}};
  const LoadResult r = load(doc);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto twin = models::testing::run_twin(r.scenario->fleet);
  const PlacementRecords& p = twin->fleet().placements();
  ASSERT_EQ(p.size(), 4u);
  const sim::Time ms = kMillisecond;
  EXPECT_EQ(p.device, (std::vector<std::uint32_t>{0, 1, 1, 0}));
  EXPECT_EQ(p.queued_ns, (std::vector<sim::Time>{100 * ms, 200 * ms, 500 * ms, 3000 * ms}));
  EXPECT_EQ(p.decided_ns, (std::vector<sim::Time>{230 * ms, 360 * ms, 625 * ms, 3130 * ms}));
  EXPECT_EQ(p.score, (std::vector<std::int64_t>{62, 62, 25, 62}));
  const models::RequestRecords& q = twin->fleet().requests();
  ASSERT_EQ(q.size(), 3u);
  for (std::size_t k = 0; k < q.size(); ++k) {
    EXPECT_EQ(q.outcome[k], static_cast<std::uint8_t>(models::RequestOutcome::kCompleted));
  }
  EXPECT_EQ(twin->fleet().retried(), 1u);
}

TEST_F(SchedulerScenario, APlacementStillUnschedulableAtTheEndIsPending) {
  // Five placements of f, exec 0.5 s, keep-alive 10 s, and the run ends at 1 s: p4 found both
  // devices full at 0.615 and no instance turned idle before the end (the first at 1.230).
  json doc = scenario("0.1 0.2 0.3 0.4 0.5", hand_scheduler(), "10s");
  doc["duration"] = "1s";
  const LoadResult r = load(doc);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto model = models::testing::run_fleet(r.scenario->fleet);
  const PlacementRecords& p = model->placements();
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p.outcome[4], static_cast<std::uint8_t>(PlacementOutcome::kPending));
  EXPECT_EQ(p.decided_ns[4], -1);
  EXPECT_EQ(p.device[4], models::kNoDevice);
  EXPECT_EQ(p.attempts[4], 1u);
  EXPECT_EQ(model->placement_policy()->pending(), 1u);
}

TEST_F(SchedulerScenario, ARequestFindingAnIdleInstanceGoesThereWithoutAPlacement) {
  // Keep-alive 10 s: the first request's instance (placed on d0, decided at 0.230, done at
  // 1.230) is idle when the second arrives at 2 s, which starts on it warm at once.
  const LoadResult r = load(scenario("0.1 2", hand_scheduler(), "10s"));
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto model = models::testing::run_fleet(r.scenario->fleet);
  ASSERT_EQ(model->placements().size(), 1u);
  EXPECT_EQ(model->placements().device[0], 0u);
  const models::RequestRecords& q = model->requests();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q.device[1], 0u);
  EXPECT_EQ(q.queue_ns[1], 0);
  EXPECT_EQ(q.cold_start_ns[1], 0);
  EXPECT_EQ(q.end_ns[1], 2500 * kMillisecond);
  EXPECT_EQ(model->function_counts().warm_starts, 1u);
}

TEST_F(SchedulerScenario, WithoutASchedulerSectionNothingIsPlaced) {
  const LoadResult r = load(scenario("0.1 0.2", nullptr, "0s"));
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_FALSE(r.scenario->fleet.make_placement);
  const auto model = models::testing::run_fleet(r.scenario->fleet);
  EXPECT_EQ(model->placement_policy(), nullptr);
  EXPECT_EQ(model->placements().size(), 0u);
  EXPECT_EQ(model->requests().size(), 2u);
}

TEST_F(SchedulerScenario, TheResolvedScenarioHoldsTheDefaultProfile) {
  const LoadResult r = load(scenario("0.1", json::object(), "0s"));
  ASSERT_TRUE(r.ok()) << r.error_text();
  const json s = json::parse(r.scenario->resolved_json)["scheduler"];
  EXPECT_EQ(s["architecture"], "queue");
  EXPECT_EQ(s["filter"], json({"TaintToleration", "NodeAffinity", "PodTopologySpread",
                               "InterPodAffinity", "NodeResourcesFit"}));
  EXPECT_EQ(s["score"][0], json({{"name", "TaintToleration"}, {"weight", 3}}));
  EXPECT_EQ(s["score"].size(), 6u);
  EXPECT_EQ(s["cost"]["per_cycle"], "1ms");
  EXPECT_EQ(s["percentage_of_nodes_to_score"], 0);
}

TEST_F(SchedulerScenario, TheSameSeedGivesTheSamePlacementsTwice) {
  json doc = scenario("0.1 0.2 0.3 0.4 0.5 0.6 1.5 2.5", json::object(), "1s");
  doc["workloads"].push_back({{"name", "more"},
                              {"sites", "edge"},
                              {"function", "f"},
                              {"arrivals", {{"poisson_per_s", 3}}}});
  const LoadResult r = load(doc);
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto a = models::testing::run_fleet(r.scenario->fleet);
  const auto b = models::testing::run_fleet(r.scenario->fleet);
  ASSERT_GT(a->placements().size(), 8u);
  EXPECT_EQ(a->placements().decided_ns, b->placements().decided_ns);
  EXPECT_EQ(a->placements().device, b->placements().device);
  EXPECT_EQ(a->placements().score, b->placements().score);
  EXPECT_EQ(a->requests().end_ns, b->requests().end_ns);
  // The parallel architecture makes the same decisions with 1 or 3 threads.
  for (int threads : {1, 3}) {
    json par = doc;
    par["scheduler"] = {{"architecture", "parallel"}, {"threads", threads}};
    const LoadResult rp = load(par);
    ASSERT_TRUE(rp.ok()) << rp.error_text();
    const auto c = models::testing::run_fleet(rp.scenario->fleet);
    EXPECT_EQ(c->placement_policy()->name(), "parallel");
    EXPECT_EQ(c->placements().decided_ns, a->placements().decided_ns) << threads;
    EXPECT_EQ(c->placements().device, a->placements().device) << threads;
    EXPECT_EQ(c->placements().score, a->placements().score) << threads;
    EXPECT_EQ(c->requests().end_ns, a->requests().end_ns) << threads;
  }
}

}  // namespace
}  // namespace edgetwin::scenarios
