// A rollout decision allocates nothing once warm: strategies keep cursors and reuse their
// buffers, the controller reuses its Decision, RolloutProgress reserves its logs
// (allocation_counter.cpp counts operator new calls).
#include <gtest/gtest.h>

#include "allocation_counter.h"
#include "rollout_test_util.h"

namespace edgetwin::scheduler_plugins::rollout {
namespace {

// A minimal controller, one step per second: started targets download for one step, install
// for one step, then succeed (every 10th fails).
long allocations_while_rolling(RolloutStrategy& strategy, std::uint32_t n) {
  RolloutPlan plan;
  for (std::uint32_t t = 0; t < n; ++t) plan.site.push_back(t % 10);
  plan.utc_offset_minutes = {0, 60, 120, 0, 60, 120, 0, 60, 120, -60};
  RolloutProgress progress(plan);
  Decision d;
  d.start.reserve(n);
  d.time_out.reserve(n);
  std::vector<std::uint32_t> downloading, installing, next;
  downloading.reserve(n);
  installing.reserve(n);
  next.reserve(n);
  strategy.begin(plan, 0);
  d.clear();
  strategy.decide(plan, progress, 0, d);  // warm-up: the first decision may size buffers
  test::start_counting_allocations();
  for (sim::Time now = sim::kSecond; now < 4000 * sim::kSecond; now += sim::kSecond) {
    for (std::uint32_t t : installing) {
      progress.set_state(t, t % 10 == 9 ? TargetState::kFailed : TargetState::kSucceeded, now);
    }
    installing.swap(downloading);
    downloading.clear();
    for (std::uint32_t t : installing) progress.set_state(t, TargetState::kInstalling, now);
    for (std::uint32_t t : d.start) {
      progress.set_state(t, TargetState::kDownloading, now);
      downloading.push_back(t);
    }
    d.clear();
    strategy.decide(plan, progress, now, d);
    if (d.verdict == Verdict::kCompleted || d.verdict == Verdict::kAborted) break;
  }
  const long counted = test::stop_counting_allocations();
  EXPECT_GT(progress.count(TargetState::kSucceeded), 0u) << strategy.name();
  return counted;
}

TEST(RolloutAllocation, DecisionsAllocateNothingOnceWarm) {
  const std::vector<std::pair<const char*, std::vector<std::pair<std::string, std::string>>>>
      configs = {
          {"all-at-once", {}},
          {"rolling", {{"max_surge", "5%"}, {"max_unavailable", "5%"}}},
          {"canary", {{"step_weight", "10"}, {"interval", "10s"}, {"max_failure_percent", "20"}}},
          {"exponential-waves",
           {{"base_rate_per_minute", "60"},
            {"increment_factor", "2"},
            {"rate_increase_count", "50"},
            {"in_progress_timeout", "1m"},
            {"abort_failure_type", "ALL"},
            {"abort_threshold_percent", "50"}}},
          {"blue-green", {}},
          {"maintenance-window",
           {{"window_start", "0h"}, {"window_end", "23h"}, {"max_concurrent", "20"}}},
          {"bandwidth-waves", {{"max_downloads_per_group", "3"}}},
          {"gated-waves", {{"groups", "10"}, {"success_threshold_percent", "85"}}},
      };
  for (const auto& [name, params] : configs) {
    auto s = testing::strategy(name, params);
    EXPECT_EQ(allocations_while_rolling(*s, 2000), 0) << name;
  }
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::rollout
