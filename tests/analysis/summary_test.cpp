#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <sstream>

#include "analysis/detail/stats.h"
#include "small_run.h"

namespace edgetwin::analysis {
namespace {

using detail::nearest_rank;

// Nearest rank: the p-th percentile of n values is the value of rank ceil(p/100 * n) (1-based).
TEST(Percentiles, AreNearestRankOrderStatisticsOfOneToHundredMilliseconds) {
  std::vector<sim::Time> ms(100);
  std::iota(ms.begin(), ms.end(), 1);
  std::shuffle(ms.begin(), ms.end(), std::mt19937(3));
  for (auto& v : ms) v *= sim::kMillisecond;
  EXPECT_EQ(nearest_rank(ms, 50), 50 * sim::kMillisecond);
  EXPECT_EQ(nearest_rank(ms, 95), 95 * sim::kMillisecond);
  EXPECT_EQ(nearest_rank(ms, 99), 99 * sim::kMillisecond);
  EXPECT_EQ(nearest_rank(ms, 100), 100 * sim::kMillisecond);
}

TEST(Percentiles, RoundTheRankUpOnSmallSamples) {
  std::vector<sim::Time> v = {30, 10, 20};
  EXPECT_EQ(nearest_rank(v, 50), 20);  // ceil(1.5) = 2
  EXPECT_EQ(nearest_rank(v, 95), 30);  // ceil(2.85) = 3
  EXPECT_EQ(nearest_rank(v, 1), 10);   // ceil(0.03) = 1
  std::vector<sim::Time> one = {42};
  EXPECT_EQ(nearest_rank(one, 99), 42);
}

TEST(Percentiles, OfNoValuesAreZero) {
  std::vector<sim::Time> none;
  EXPECT_EQ(nearest_rank(none, 99), 0);
}

TEST(Summary, OfASmallRunFollowsTheDocumentedDefinitions) {
  const auto run = testing::run_small();
  const Summary& s = run.summary;
  std::vector<std::string> keys;
  for (const auto& kv : s.values) keys.push_back(kv.first);
  EXPECT_EQ(keys, (std::vector<std::string>{"events", "wall_s", "sim_time_s", "requests",
                                            "arrivals", "requests_in_flight", "throughput_per_s",
                                            "latency_mean_s", "latency_p50_s", "latency_p95_s",
                                            "latency_p99_s", "latency_max_s", "utilisation_mean",
                                            "energy_kwh", "power_mean_w", "requests_rejected",
                                            "requests_lost", "requests_retried", "cold_starts",
                                            "warm_starts", "cold_start_ratio", "pulled_bytes",
                                            "deadline_misses",
                                            "deadline_miss_ratio", "latency_network_p50_s",
                                            "latency_network_p95_s", "latency_network_p99_s",
                                            "latency_queue_p50_s", "latency_queue_p95_s",
                                            "latency_queue_p99_s", "latency_cold_start_p50_s",
                                            "latency_cold_start_p95_s", "latency_cold_start_p99_s",
                                            "latency_exec_p50_s", "latency_exec_p95_s",
                                            "latency_exec_p99_s"}));

  std::vector<sim::Time> sorted = run.model->latencies_ns();
  std::sort(sorted.begin(), sorted.end());
  const auto n = sorted.size();
  ASSERT_GT(n, 500u);  // about 2 sites x 40/s x 18 s = 1440 recorded requests
  const auto rank = [&](double p) {
    return sorted[static_cast<std::size_t>(std::ceil(p * static_cast<double>(n))) - 1];
  };
  EXPECT_EQ(s.get("requests"), static_cast<double>(n));
  EXPECT_EQ(s.get("arrivals"), static_cast<double>(run.model->arrivals()));
  EXPECT_EQ(s.get("events"), static_cast<double>(run.info.events));
  EXPECT_EQ(s.get("sim_time_s"), 20.0);
  EXPECT_EQ(s.get("latency_p50_s"), sim::to_seconds(rank(0.50)));
  EXPECT_EQ(s.get("latency_p99_s"), sim::to_seconds(rank(0.99)));
  EXPECT_EQ(s.get("latency_max_s"), sim::to_seconds(sorted.back()));
  const double mean_ns =
      std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
  EXPECT_NEAR(s.get("latency_mean_s"), mean_ns * 1e-9, 1e-15);
  // Throughput counts recorded requests over the measured window, end - warmup = 18 s.
  EXPECT_DOUBLE_EQ(s.get("throughput_per_s"), static_cast<double>(n) / 18.0);
  // Utilisation: busy core-seconds over (2 + 2 + 4 cores) x 20 s.
  const auto& busy = run.model->device_stats().busy_core_seconds;
  EXPECT_DOUBLE_EQ(s.get("utilisation_mean"),
                   std::accumulate(busy.begin(), busy.end(), 0.0) / (8 * 20.0));
  const auto& in_system = run.model->device_stats().in_system;
  EXPECT_EQ(s.get("requests_in_flight"), std::accumulate(in_system.begin(), in_system.end(), 0.0));
  const auto& energy = run.model->device_stats().energy_j;
  const double joules = std::accumulate(energy.begin(), energy.end(), 0.0);
  EXPECT_DOUBLE_EQ(s.get("energy_kwh"), joules / 3.6e6);
  EXPECT_DOUBLE_EQ(s.get("power_mean_w"), joules / 20.0);
}

TEST(Summary, GetNamesTheMissingKey) {
  Summary s;
  s.values = {{"events", 1.0}};
  try {
    s.get("latency_p42_s");
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("latency_p42_s"), std::string::npos);
  }
}

TEST(SummaryJson, IsOneLineThatReadsBackToTheSameNumbers) {
  const auto run = testing::run_small();
  const std::string text = summary_json(run.summary);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j.at("scenario"), "analysis-small");
  EXPECT_EQ(j.at("seed"), 7);
  EXPECT_TRUE(j.at("events").is_number_integer());
  for (const auto& [key, value] : run.summary.values) {
    EXPECT_EQ(j.at(key).get<double>(), value) << key;
  }
  EXPECT_EQ(j.size(), run.summary.values.size() + 2);
}

TEST(SummaryText, ShowsLatenciesInMillisecondsInAlignedColumns) {
  Summary s;
  s.values = {{"events", 1234.0}, {"latency_p99_s", 0.0125}, {"utilisation_mean", 0.5}};
  EXPECT_EQ(summary_text(s),
            "events            1234\n"
            "latency_p99_ms    12.500\n"
            "utilisation_mean  0.5\n");
}

}  // namespace
}  // namespace edgetwin::analysis
