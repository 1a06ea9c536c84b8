// Trace replay from scenario files: a small Azure Functions 2019 file written by the test (a few
// rows x 1440 minutes) read, selected, shared and replayed exactly through the fleet model; a
// CSV invocation trace replayed exactly; the scope key. Single-key errors are the data cases of
// tests/bad_input.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenarios/scenario.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::scenarios {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Row {
  std::string function, trigger;
  std::vector<std::uint32_t> counts;  // 1440
};

// Four functions: rows 0 and 2 busy, row 1 a timer, row 3 silent.
std::vector<Row> sample_rows() {
  std::vector<Row> rows = {{"f-http", "http", {}},
                           {"f-timer", "timer", {}},
                           {"f-queue", "queue", {}},
                           {"f-idle", "http", {}}};
  for (std::uint32_t m = 0; m < 1440; ++m) {
    rows[0].counts.push_back(3 + (m * 7) % 11);    // 3..13 per minute
    rows[1].counts.push_back(m % 5 == 0 ? 1 : 0);  // every 5 minutes
    rows[2].counts.push_back(m % 60 < 10 ? 40 : 1);
    rows[3].counts.push_back(0);
  }
  return rows;
}

class TraceScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("edgetwin-trace-test-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_ / "traces");
    std::ofstream out(dir_ / "traces" / "azure.csv");
    out << "\xEF\xBB\xBF";  // a byte-order mark, as spreadsheet programs write
    out << "HashOwner,HashApp,HashFunction,Trigger";
    for (int m = 1; m <= 1440; ++m) out << ',' << m;
    out << "\r\n";  // the published files may have Windows line ends
    for (const Row& r : rows_) {
      out << "owner,app," << r.function << ',' << r.trigger;
      for (std::uint32_t c : r.counts) out << ',' << c;
      out << "\r\n";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A scenario with two edge sites of two single-core devices and the given workloads, written
  // next to traces/ and loaded from there (so relative paths start at the scenario file).
  LoadResult load(const std::vector<json>& workloads, const std::string& duration = "1h") {
    json doc = {{"name", "trace"},
                {"duration", duration},
                {"device_types", {{"one", {{"base", "cloud-vm"}, {"cores", 1}}}}},
                {"sites", {{{"name", "edge-{1..2}"}}}},
                {"fleet", {{{"type", "one"}, {"count", 2}, {"site", "edge-*"}}}},
                {"workloads", json(workloads)}};
    const fs::path file = dir_ / "scenario.json";
    std::ofstream(file) << doc.dump(2);
    return load_scenario_file(file.string());
  }

  static json workload(const std::string& name, const json& arrivals) {
    return {{"name", name},
            {"sites", "edge-*"},
            {"arrivals", arrivals},
            {"service", {{"distribution", "constant"}, {"value", "0s"}}}};
  }

  // The dense counts of selected row k.
  static std::vector<std::uint32_t> dense(const models::MinuteCounts& c, std::uint32_t k) {
    std::vector<std::uint32_t> out(1440, 0);
    for (std::uint32_t e = c.row_begin[k]; e < c.row_begin[k + 1]; ++e)
      out[c.minute[e]] = c.count[e];
    return out;
  }

  fs::path dir_;
  std::vector<Row> rows_ = sample_rows();
};

TEST_F(TraceScenario, EveryRowIsReadWithItsCountsAndTheDefaultsAreResolved) {
  const LoadResult r =
      load({workload("fn", {{"process", "azure_trace"}, {"file", "traces/azure.csv"}})});
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::WorkloadConfig& w = r.scenario->fleet.workloads[0];
  ASSERT_EQ(w.arrivals.kind, models::ArrivalProcess::Kind::kAzureTrace);
  const models::MinuteCounts& c = *w.arrivals.minute_counts;
  ASSERT_EQ(c.rows(), 4u);
  std::uint64_t total = 0;
  for (std::uint32_t k = 0; k < 4; ++k) {
    EXPECT_EQ(dense(c, k), rows_[k].counts) << "row " << k;
    EXPECT_EQ(c.file_row[k], k);
    for (std::uint32_t x : rows_[k].counts) total += x;
  }
  EXPECT_EQ(c.total, total);
  EXPECT_EQ(c.row_begin[4] - c.row_begin[3], 0u);  // silent rows take no entry
  // The mean rate of one stream: the day's invocations over 4 rows and 86400 s.
  EXPECT_DOUBLE_EQ(w.rate_per_s, static_cast<double>(total) / 4.0 / 86400.0);
  const json resolved = json::parse(r.scenario->resolved_json)["workloads"][0];
  EXPECT_EQ(resolved["scope"], "site");
  EXPECT_EQ(resolved["arrivals"]["scale"], 1);
  EXPECT_EQ(resolved["arrivals"]["spread"], "uniform");
  EXPECT_EQ(resolved["arrivals"]["start"], "0s");
  EXPECT_EQ(resolved["arrivals"]["repeat"], true);
}

TEST_F(TraceScenario, RowsTopFunctionsAndTriggerSelectRowsKeptInFileOrder) {
  const LoadResult r = load({
      workload("by-rows",
               {{"process", "azure_trace"}, {"file", "traces/azure.csv"}, {"rows", {2, 0}}}),
      // Totals: row 0 = 1440 * (3 + 5) = 11.5 k, row 2 = 40 * 240 + 1200 = 10.8 k, row 1 = 288,
      // row 3 = 0: top 2 is rows 0 and 2.
      workload("by-top", {{"process", "azure_trace"}, {"file", "traces/azure.csv"}, {"top", 2}}),
      workload(
          "by-hash",
          {{"process", "azure_trace"}, {"file", "traces/azure.csv"}, {"functions", {"f-timer"}}}),
      workload("by-trigger",
               {{"process", "azure_trace"}, {"file", "traces/azure.csv"}, {"trigger", "http"}}),
      workload("top-http", {{"process", "azure_trace"},
                            {"file", "traces/azure.csv"},
                            {"trigger", "http"},
                            {"top", 1}}),
  });
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& ws = r.scenario->fleet.workloads;
  auto rows_of = [&](std::size_t i) { return ws[i].arrivals.minute_counts->file_row; };
  EXPECT_EQ(rows_of(0), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(rows_of(1), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(rows_of(2), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(rows_of(3), (std::vector<std::uint32_t>{0, 3}));
  EXPECT_EQ(rows_of(4), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(dense(*ws[2].arrivals.minute_counts, 0), rows_[1].counts);
}

TEST_F(TraceScenario, WorkloadsReplayingTheSameRowsShareOneCopyOfTheCounts) {
  const json a = {{"process", "azure_trace"}, {"file", "traces/azure.csv"}, {"top", 2}};
  json scaled = a;
  scaled["scale"] = 0.5;
  const LoadResult r =
      load({workload("a", a), workload("b", scaled),
            workload("c", {{"process", "azure_trace"}, {"file", "traces/azure.csv"}})});
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto& ws = r.scenario->fleet.workloads;
  EXPECT_EQ(ws[0].arrivals.minute_counts.get(), ws[1].arrivals.minute_counts.get());
  EXPECT_NE(ws[0].arrivals.minute_counts.get(), ws[2].arrivals.minute_counts.get());
  EXPECT_DOUBLE_EQ(ws[1].arrivals.scale, 0.5);
  EXPECT_DOUBLE_EQ(ws[1].rate_per_s, ws[0].rate_per_s * 0.5);
}

TEST_F(TraceScenario, TheReplayedRunArrivesWithTheFileCountsInEveryMinuteAtEverySite) {
  // Rows 0 and 1 from 10:00 for 90 minutes at each of the two sites: in simulated minute j each
  // site receives exactly count_0[600 + j] + count_1[600 + j] requests (service 0 s, so every
  // request completes and is recorded at its arrival).
  const LoadResult r = load({workload("fn", {{"process", "azure_trace"},
                                             {"file", "traces/azure.csv"},
                                             {"rows", {0, 1}},
                                             {"start", "10h"}})},
                            "90m");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const auto model = models::testing::run_fleet(r.scenario->fleet);
  std::vector<std::vector<std::uint32_t>> n(2, std::vector<std::uint32_t>(90, 0));
  const models::RequestRecords& rec = model->requests();
  for (std::size_t i = 0; i < rec.size(); ++i) {
    ++n.at(rec.site[i]).at(static_cast<std::size_t>(rec.arrival_ns[i] / sim::kMinute));
  }
  for (std::size_t s = 0; s < 2; ++s) {
    for (std::size_t j = 0; j < 90; ++j) {
      ASSERT_EQ(n[s][j], rows_[0].counts[600 + j] + rows_[1].counts[600 + j])
          << "site " << s << " minute " << j;
    }
  }
}

TEST_F(TraceScenario, TheSameSeedReplaysTheSameRequestsAndAnotherSeedMovesThem) {
  const json w = workload(
      "fn", {{"process", "azure_trace"}, {"file", "traces/azure.csv"}, {"top", 2}, {"scale", 0.6}});
  const LoadResult r = load({w}, "20m");
  ASSERT_TRUE(r.ok()) << r.error_text();
  models::FleetConfig other = r.scenario->fleet;
  other.seed += 1;
  const auto a = models::testing::run_fleet(r.scenario->fleet);
  const auto b = models::testing::run_fleet(r.scenario->fleet);
  const auto c = models::testing::run_fleet(other);
  EXPECT_EQ(a->requests().arrival_ns, b->requests().arrival_ns);
  EXPECT_EQ(a->requests().device, b->requests().device);
  EXPECT_NE(a->requests().arrival_ns, c->requests().arrival_ns);
}

TEST_F(TraceScenario, MoreDaysFollowTheFirstAndFindItsFunctionsByTheirHashes) {
  // Day 2 lists f-queue first, then f-http twice (its counts add up), a function not selected,
  // and no f-timer. Selecting rows 0 and 2 (f-http, f-queue) of day 1: each row's minute
  // 1440 + m holds its day-2 count, and the period is 2880 minutes.
  {
    std::ofstream out(dir_ / "traces" / "day2.csv");
    out << "HashOwner,HashApp,HashFunction,Trigger";
    for (int m = 1; m <= 1440; ++m) out << ',' << m;
    out << '\n';
    auto row = [&](const std::string& f, std::uint32_t (*count)(std::uint32_t)) {
      out << "owner,app," << f << ",http";
      for (std::uint32_t m = 0; m < 1440; ++m) out << ',' << count(m);
      out << '\n';
    };
    row("f-queue", [](std::uint32_t m) { return m % 2; });
    row("f-http", [](std::uint32_t m) { return m < 10 ? 5u : 0u; });
    row("f-other", [](std::uint32_t) { return 9u; });
    row("f-http", [](std::uint32_t m) { return m < 5 ? 1u : 0u; });
  }
  const LoadResult r = load({workload("fn", {{"process", "azure_trace"},
                                             {"file", "traces/azure.csv"},
                                             {"more_days", {"traces/day2.csv"}},
                                             {"rows", {0, 2}},
                                             {"start", "23h"}})},
                            "2h");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::MinuteCounts& c = *r.scenario->fleet.workloads[0].arrivals.minute_counts;
  ASSERT_EQ(c.minutes, 2880u);
  ASSERT_EQ(c.rows(), 2u);
  std::vector<std::uint32_t> http(2880, 0), queue(2880, 0);
  for (std::uint32_t k = 0; k < 2; ++k) {
    for (std::uint32_t e = c.row_begin[k]; e < c.row_begin[k + 1]; ++e) {
      (k == 0 ? http : queue)[c.minute[e]] = c.count[e];
      if (e > c.row_begin[k]) {
        EXPECT_LT(c.minute[e - 1], c.minute[e]);
      }
    }
  }
  for (std::uint32_t m = 0; m < 1440; ++m) {
    ASSERT_EQ(http[m], rows_[0].counts[m]);
    ASSERT_EQ(queue[m], rows_[2].counts[m]);
    ASSERT_EQ(http[1440 + m], (m < 10 ? 5u : 0u) + (m < 5 ? 1u : 0u)) << m;
    ASSERT_EQ(queue[1440 + m], m % 2) << m;
  }
  // Replayed from 23:00 of day 1 for 2 h: simulated minute j is trace minute 1380 + j, across
  // midnight into day 2, at each of the two sites.
  const auto model = models::testing::run_fleet(r.scenario->fleet);
  std::vector<std::uint32_t> n(120, 0);
  const models::RequestRecords& rec = model->requests();
  for (std::size_t i = 0; i < rec.size(); ++i) {
    ++n.at(static_cast<std::size_t>(rec.arrival_ns[i] / sim::kMinute));
  }
  for (std::size_t j = 0; j < 120; ++j) {
    ASSERT_EQ(n[j], 2 * (http[1380 + j] + queue[1380 + j])) << "minute " << j;
  }
}

TEST_F(TraceScenario, ACsvInvocationTraceIsReplayedExactlyAtTheSitesItNames) {
  std::ofstream(dir_ / "traces" / "calls.csv")
      << "# hand-written\ntime,workload,site\n"
         "0.5,calls,edge-1\n1s,calls,edge-2\n1s,other,edge-2\n1.25,calls,edge-1\n"
         "2m30s,calls,edge-2\n2m30s,calls,edge-2\n59m,calls,edge-1\n2h,calls,edge-1\n";
  const LoadResult r =
      load({workload("calls", {{"process", "trace"}, {"file", "traces/calls.csv"}}),
            workload("other", {{"process", "poisson"}, {"rate_per_s", 0.001}})});
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::InvocationTimes& t = *r.scenario->fleet.workloads[0].arrivals.times;
  EXPECT_TRUE(t.by_site);
  const std::vector<sim::Time> edge1 = {500 * sim::kMillisecond, 1250 * sim::kMillisecond,
                                        59 * sim::kMinute, 2 * sim::kHour};
  const std::vector<sim::Time> edge2 = {sim::kSecond, 150 * sim::kSecond, 150 * sim::kSecond};
  EXPECT_EQ(t.part_begin, (std::vector<std::uint32_t>{0, 4, 7}));
  EXPECT_EQ(std::vector<sim::Time>(t.time.begin(), t.time.begin() + 4), edge1);
  EXPECT_EQ(std::vector<sim::Time>(t.time.begin() + 4, t.time.end()), edge2);
  // In a 1 h run every row before 1 h arrives once, at its time and site (the 2 h row does not).
  const auto model = models::testing::run_fleet(r.scenario->fleet);
  std::vector<sim::Time> at[2];
  const models::RequestRecords& rec = model->requests();
  for (std::size_t i = 0; i < rec.size(); ++i) {
    if (rec.workload[i] == 0) at[rec.site[i]].push_back(rec.arrival_ns[i]);
  }
  for (auto& v : at) std::sort(v.begin(), v.end());
  EXPECT_EQ(at[0], std::vector<sim::Time>(edge1.begin(), edge1.begin() + 3));
  EXPECT_EQ(at[1], edge2);
}

TEST_F(TraceScenario, ATraceWithoutSitesIsReplayedOnceFleetWideOrOncePerDevice) {
  std::ofstream(dir_ / "traces" / "calls.csv") << "time,workload\n1s,calls\n2s,calls\n3s,calls\n";
  for (const char* scope : {"fleet", "device", "site"}) {
    json w = workload("calls", {{"process", "trace"}, {"file", "traces/calls.csv"}});
    w["scope"] = scope;
    const LoadResult r = load({w});
    ASSERT_TRUE(r.ok()) << r.error_text();
    EXPECT_FALSE(r.scenario->fleet.workloads[0].arrivals.times->by_site);
    const auto model = models::testing::run_fleet(r.scenario->fleet);
    // 3 rows, replayed by 1 stream (fleet), 4 (one per device) or 2 (one per site).
    const std::uint64_t copies = std::string(scope) == "fleet" ? 1 : scope[0] == 'd' ? 4 : 2;
    EXPECT_EQ(model->arrivals(), 3 * copies) << scope;
    if (copies == 4) {
      for (std::uint64_t served : model->device_stats().served) EXPECT_EQ(served, 3u);
    }
  }
}

}  // namespace
}  // namespace edgetwin::scenarios
