// Closed forms of the rolling (Kubernetes) and exponential-waves (AWS IoT Jobs) strategies,
// played end to end by the reference driver.
#include <set>

#include "rollout_test_util.h"

namespace edgetwin::scheduler_plugins::rollout {
namespace {

using testing::one_site;
using testing::start_times;
using testing::strategy;
using testing::uniform;
constexpr sim::Time kMs = sim::kMillisecond;
constexpr sim::Time kS = sim::kSecond;
constexpr sim::Time kMin = sim::kMinute;

TEST(ResolveFenceposts, RoundsSurgeUpAndUnavailableDownAndNeverBothZero) {
  // 25% of 10: surge ceil(2.5) = 3, unavailable floor(2.5) = 2.
  auto f = resolve_fenceposts({25, true}, {25, true}, 10);
  EXPECT_EQ(f.surge, 3);
  EXPECT_EQ(f.unavailable, 2);
  // 10% of 5 = 0.5: surge 0 (absolute), unavailable floor 0 -> both 0 -> unavailable 1.
  f = resolve_fenceposts({0, false}, {10, true}, 5);
  EXPECT_EQ(f.surge, 0);
  EXPECT_EQ(f.unavailable, 1);
  // Absolute values pass through.
  f = resolve_fenceposts({4, false}, {1, false}, 100);
  EXPECT_EQ(f.surge, 4);
  EXPECT_EQ(f.unavailable, 1);
}

struct RollingCase {
  std::uint32_t replicas;
  const char* surge;
  const char* unavailable;
  std::int64_t s, u;  // resolved
  std::uint32_t waves;
};

// With every update taking the same time, the Deployment controller's fixed point is a wave of
// s + u new replicas each time the previous wave becomes ready: after a wave is ready, scale-down
// leaves old = N - u - ready (availability old + ready = N - u), then scale-up tops the total up
// to N + s, i.e. creates (N + s) - (N - u - ready) - ready = s + u. Hence
// waves = ceil(N / (s + u)), the last one partial, and the rollout ends at waves x duration.
TEST(RollingStrategy, NumberOfWavesIsCeilOfReplicasOverSurgePlusUnavailable) {
  const RollingCase cases[] = {
      {10, "25%", "25%", 3, 2, 2},  // ceil(2.5) = 3, floor(2.5) = 2; ceil(10 / 5) = 2
      {7, "25%", "25%", 2, 1, 3},   // ceil(1.75) = 2, floor(1.75) = 1; ceil(7 / 3) = 3
      {3, "25%", "25%", 1, 0, 3},   // ceil(0.75) = 1, floor(0.75) = 0; ceil(3 / 1) = 3
      {100, "0", "30%", 0, 30, 4},  // ceil(100 / 30) = 4
      {5, "0", "10%", 0, 1, 5},     // floor(0.5) = 0, both 0 -> unavailable 1; 5 waves
      {10, "3", "0", 3, 0, 4},      // ceil(10 / 3) = 4
      {10, "30%", "1", 3, 1, 3},    // ceil(10 / 4) = 3
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.replicas) + " " + c.surge + " " + c.unavailable);
    auto s = strategy("rolling", {{"max_surge", c.surge}, {"max_unavailable", c.unavailable}});
    const auto plan = one_site(c.replicas);
    const auto r = play(*s, plan, uniform(1 * kMin, 1 * kMin));
    std::set<sim::Time> wave_starts;
    for (sim::Time t : start_times(r, c.replicas)) wave_starts.insert(t);
    EXPECT_EQ(wave_starts.size(), c.waves);
    EXPECT_EQ(r.verdict, Verdict::kCompleted);
    EXPECT_EQ(r.verdict_time, c.waves * 2 * kMin);  // each wave: 1 min download + 1 min install
    // Every wave but the last is exactly s + u.
    const auto starts = start_times(r, c.replicas);
    for (std::uint32_t w = 0; w + 1 < c.waves; ++w) {
      std::int64_t in_wave = 0;
      for (sim::Time t : starts) in_wave += t == w * 2 * kMin;
      EXPECT_EQ(in_wave, c.s + c.u) << "wave " << w;
    }
    // Kubernetes' two bounds at every decision: old + new <= N + s; old + ready >= N - u.
    std::int64_t created = 0;
    for (const auto& step : r.steps) {
      created += step.started;
      std::int64_t ready = 0;
      for (const auto& ch : r.changes) {
        ready += ch.time <= step.time && ch.state == TargetState::kSucceeded;
      }
      EXPECT_LE(step.old_replicas + created, c.replicas + c.s);
      EXPECT_GE(step.old_replicas + ready, c.replicas - c.u);
    }
  }
}

TEST(RollingStrategy, AFailedReplicaStallsTheRolloutUntilTheProgressDeadline) {
  // N = 4, surge 1, unavailable 0: one at a time. Target 1 fails (never ready), so the new set
  // never gets past 2 created; Kubernetes reports ProgressDeadlineExceeded 600 s after the last
  // progress (target 0 ready at 2 min) and does not roll back.
  auto s = strategy("rolling", {{"max_surge", "1"}, {"max_unavailable", "0"}});
  const auto plan = one_site(4);
  const auto r = play(*s, plan, [](std::uint32_t t, std::uint32_t) {
    return AttemptScript{kMin, kMin, t == 1 ? TargetState::kFailed : TargetState::kSucceeded};
  });
  EXPECT_EQ(r.verdict, Verdict::kPaused);
  EXPECT_EQ(r.reason, "ProgressDeadlineExceeded");
  // Target 0 ready at 2 min (progress), target 1 started then; its failure at 4 min is no
  // progress. Deadline: 2 min + 600 s.
  EXPECT_EQ(r.verdict_time, 2 * kMin + 600 * kS);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kPending)], 2u);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kRolledBack)], 0u);
}

// Exponential rate, notified criterion: with c things per stage and gaps g_s = 60 s / rate_s,
// thing m = s c + k is notified at T(m) = sum_{j<s} c g_j + k g_s.
TEST(ExponentialWaves, TheMthNotificationFollowsThePiecewiseClosedForm) {
  // AWS's worked example: base 50/min, factor 2, every 1000 notified: rates 50, 100, 200 ->
  // gaps 1.2 s, 0.6 s, 0.3 s.
  auto s = strategy(
      "exponential-waves",
      {{"base_rate_per_minute", "50"}, {"increment_factor", "2"}, {"rate_increase_count", "1000"}});
  const auto plan = one_site(2600);
  const auto r = play(*s, plan, uniform(0, 0));
  const auto t = start_times(r, 2600);
  EXPECT_EQ(t[0], 0);
  EXPECT_EQ(t[999], 999 * 1200 * kMs);              // 1198.8 s
  EXPECT_EQ(t[1000], 1000 * 1200 * kMs);            // 1200 s: stage 1 starts one old gap later
  EXPECT_EQ(t[1001], 1200 * kS + 600 * kMs);        // 1200.6 s
  EXPECT_EQ(t[1999], 1200 * kS + 999 * 600 * kMs);  // 1799.4 s
  EXPECT_EQ(t[2000], 1800 * kS);                    // 1200 + 1000 x 0.6
  EXPECT_EQ(t[2500], 1800 * kS + 500 * 300 * kMs);  // 1950 s
  EXPECT_EQ(r.verdict, Verdict::kCompleted);

  // maximumPerMinute 150 caps stage 2 at 150/min (gap 0.4 s): T(2500) = 1800 + 500 x 0.4 = 2000 s.
  auto capped = strategy("exponential-waves", {{"base_rate_per_minute", "50"},
                                               {"increment_factor", "2"},
                                               {"rate_increase_count", "1000"},
                                               {"maximum_per_minute", "150"}});
  EXPECT_EQ(start_times(play(*capped, plan, uniform(0, 0)), 2600)[2500], 2000 * kS);
}

TEST(ExponentialWaves, FractionalFactorsCompoundInThousandthsOfAThingPerMinute) {
  // base 10, factor 1.5, every 5 notified: rates 10, 15, 22.5, 33.75 per minute; gaps 6 s, 4 s,
  // 60e12 / 22500 = 2666666666 ns (floored), 60e12 / 33750 = 1777777777 ns.
  EXPECT_EQ(notification_gap(22500), 2666666666);
  EXPECT_EQ(increased_rate(15000, 15, 1000000), 22500);
  auto s = strategy(
      "exponential-waves",
      {{"base_rate_per_minute", "10"}, {"increment_factor", "1.5"}, {"rate_increase_count", "5"}});
  const auto t = start_times(play(*s, one_site(17), uniform(kS, kS)), 17);
  EXPECT_EQ(t[5], 30 * kS);                    // 5 x 6 s
  EXPECT_EQ(t[10], 50 * kS);                   // + 5 x 4 s
  EXPECT_EQ(t[15], 50 * kS + 5 * 2666666666);  // 63.33333333 s
  EXPECT_EQ(t[16], t[15] + 1777777777);
}

TEST(ExponentialWaves, SucceededCriterionRaisesTheRateWhenSuccessesArrive) {
  // base 60/min (gap 1 s), factor 2, every 3 succeeded; every update takes 10 s. Notified at
  // 0, 1, ..., 12 s; targets 0..2 succeed at 10, 11, 12 s -> at 12 s the rate becomes 120/min.
  // The notification already due at 12 s goes out, then gaps of 0.5 s: 12.5, 13, ..., 15 s
  // (target 18). Targets 3..5 succeed at 13, 14, 15 s -> 240/min at 15 s: 15.25 s, ...
  // 18 s (target 30); targets 6..8 succeed at 16, 17, 18 s -> 480/min: target 31 at 18.125 s.
  auto s = strategy("exponential-waves", {{"base_rate_per_minute", "60"},
                                          {"increment_factor", "2"},
                                          {"rate_increase_criterion", "succeeded"},
                                          {"rate_increase_count", "3"}});
  const auto t = start_times(play(*s, one_site(40), uniform(5 * kS, 5 * kS)), 40);
  EXPECT_EQ(t[12], 12 * kS);
  EXPECT_EQ(t[13], 12500 * kMs);
  EXPECT_EQ(t[18], 15 * kS);
  EXPECT_EQ(t[19], 15250 * kMs);
  EXPECT_EQ(t[30], 18 * kS);
  EXPECT_EQ(t[31], 18125 * kMs);
}

// Targets finish in index order: target m at m x 60 ms + 10 s (rate 1000/min, 10 s updates),
// failing when `fails(m)`.
PlayResult play_abort(
    const std::vector<std::pair<std::string, std::string>>& params, std::set<std::uint32_t> fails,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& lists = {}) {
  auto s = strategy("exponential-waves", params, lists);
  const auto plan = one_site(300);
  return play(*s, plan, [fails](std::uint32_t t, std::uint32_t) {
    return AttemptScript{4 * kS, 6 * kS,
                         fails.count(t) ? TargetState::kFailed : TargetState::kSucceeded};
  });
}
sim::Time finish_of(std::uint32_t m) { return m * 60 * kMs + 10 * kS; }

TEST(ExponentialWaves, AbortFiresExactlyWhenFailuresReachThePercentageAfterTheMinimum) {
  // min 10 executed, 20 %: targets 1 and 3 fail. After 9 executed: 2/9 = 22 % but below the
  // minimum; after target 9 (10 executed): 2/10 = 20 % >= 20 % -> abort at target 9's finish.
  auto r = play_abort({{"abort_failure_type", "FAILED"},
                       {"abort_threshold_percent", "20"},
                       {"abort_min_executed", "10"}},
                      {1, 3});
  EXPECT_EQ(r.verdict, Verdict::kAborted);
  EXPECT_EQ(r.reason, "abort criterion FAILED reached its threshold");
  EXPECT_EQ(r.verdict_time, finish_of(9));
  // CANCEL: notified targets (m x 60 ms <= 10.54 s: m <= 175, 176 of them) finish; the other
  // 124 are canceled; nothing is rolled back.
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kCanceled)], 300u - 176u);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kRolledBack)], 0u);

  // min 5, 37.5 %: targets 0..4 succeed, 5, 6, 7 fail: 1/6, 2/7 = 28.6 %, 3/8 = 37.5 % -> fires
  // at target 7 exactly (equality counts), not at target 6.
  r = play_abort({{"abort_failure_type", "ALL"},
                  {"abort_threshold_percent", "37.5"},
                  {"abort_min_executed", "5"}},
                 {5, 6, 7, 8});
  EXPECT_EQ(r.verdict_time, finish_of(7));
  // 37.51 %: 3/8 = 37.5 % is one hundredth short; target 8 fails: 4/9 = 44.4 % -> fires there.
  r = play_abort({{"abort_failure_type", "ALL"},
                  {"abort_threshold_percent", "37.51"},
                  {"abort_min_executed", "5"}},
                 {5, 6, 7, 8});
  EXPECT_EQ(r.verdict_time, finish_of(8));
  // The same as AWS's criteria list, beside a REJECTED criterion that never fires and a
  // TIMED_OUT one: the FAILED one fires at target 8 and names itself.
  r = play_abort({}, {5, 6, 7, 8},
                 {{"abort_criteria", {"REJECTED:1:1", "FAILED:37.51:5", "TIMED_OUT:5:1"}}});
  EXPECT_EQ(r.verdict_time, finish_of(8));
  EXPECT_EQ(r.reason, "abort criterion FAILED reached its threshold");
  // A criterion on another failure type ignores these failures.
  r = play_abort({{"abort_failure_type", "REJECTED"},
                  {"abort_threshold_percent", "1"},
                  {"abort_min_executed", "1"}},
                 {5, 6, 7, 8});
  EXPECT_EQ(r.verdict, Verdict::kCompleted);
}

TEST(ExponentialWaves, InProgressTimeoutThenRetryOfTimedOutExecutions) {
  // Rate 1/min; first attempts hang, second attempts take 30 s. Timeout 2 min, one retry for
  // TIMED_OUT: target m is notified at m min, times out at m + 2 min, is retried at once and
  // succeeds at m + 2.5 min.
  auto s = strategy(
      "exponential-waves",
      {{"maximum_per_minute", "1"}, {"in_progress_timeout", "2m"}, {"retries_timed_out", "1"}});
  const auto plan = one_site(3);
  const auto r = play(*s, plan, [](std::uint32_t, std::uint32_t attempt) {
    return AttemptScript{10 * kS, 20 * kS, TargetState::kSucceeded, attempt == 1};
  });
  for (std::uint32_t m = 0; m < 3; ++m) {
    EXPECT_EQ(r.first(m, TargetState::kTimedOut), (m + 2) * kMin);
    EXPECT_EQ(r.first(m, TargetState::kSucceeded), (m + 2) * kMin + 30 * kS);
  }
  EXPECT_EQ(r.verdict, Verdict::kCompleted);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kSucceeded)], 3u);

  // Without the retry the executions stay TIMED_OUT, and a TIMED_OUT abort criterion at 50 %
  // after 2 executed fires when the second one times out (3 min).
  auto strict = strategy("exponential-waves", {{"maximum_per_minute", "1"},
                                               {"in_progress_timeout", "2m"},
                                               {"abort_failure_type", "TIMED_OUT"},
                                               {"abort_threshold_percent", "50"},
                                               {"abort_min_executed", "2"}});
  const auto r2 = play(*strict, plan, [](std::uint32_t, std::uint32_t) {
    return AttemptScript{kS, kS, TargetState::kSucceeded, true};
  });
  EXPECT_EQ(r2.verdict, Verdict::kAborted);
  EXPECT_EQ(r2.verdict_time, 3 * kMin);
}

TEST(ExponentialWaves, AQueuedExecutionOnAnOfflineDeviceIsNeverTimedOut) {
  // AWS starts the in-progress timer at IN_PROGRESS. Rate 1/min, timeout 2 min. Target 0 is
  // offline for 10 min after its notification at 0, then takes 1 min: succeeds at 11 min, no
  // timeout. Target 1 (notified at 1 min) begins at once and hangs: timed out at 3 min.
  auto s =
      strategy("exponential-waves", {{"maximum_per_minute", "1"}, {"in_progress_timeout", "2m"}});
  const auto r = play(*s, one_site(2), [](std::uint32_t t, std::uint32_t) {
    AttemptScript a{30 * kS, 30 * kS, TargetState::kSucceeded, t == 1};
    if (t == 0) a.queued = 10 * kMin;
    return a;
  });
  EXPECT_EQ(r.first(0, TargetState::kQueued), 0);
  EXPECT_EQ(r.first(0, TargetState::kDownloading), 10 * kMin);
  EXPECT_EQ(r.first(0, TargetState::kTimedOut), sim::kTimeMax);
  EXPECT_EQ(r.first(0, TargetState::kSucceeded), 11 * kMin);
  EXPECT_EQ(r.first(1, TargetState::kTimedOut), 3 * kMin);
  EXPECT_EQ(r.verdict, Verdict::kCompleted);
  EXPECT_EQ(r.verdict_time, 11 * kMin);
}

TEST(ExponentialWaves, FailedExecutionsAreRetriedUpToTheLimitBeforeCountingForAbort) {
  // Target 0 fails twice then succeeds; retries_failed 2. A FAILED abort at 1 % after 1 executed
  // never fires, because a failure waiting for its retry is not an outcome yet.
  auto s = strategy("exponential-waves", {{"maximum_per_minute", "60"},
                                          {"retries_failed", "2"},
                                          {"abort_failure_type", "FAILED"},
                                          {"abort_threshold_percent", "1"},
                                          {"abort_min_executed", "1"}});
  const auto r = play(*s, one_site(2), [](std::uint32_t t, std::uint32_t attempt) {
    return AttemptScript{kS, kS,
                         t == 0 && attempt <= 2 ? TargetState::kFailed : TargetState::kSucceeded};
  });
  EXPECT_EQ(r.verdict, Verdict::kCompleted);
  // Attempts at 0, 2 and 4 s (each 2 s long, retried at once): success at 6 s.
  EXPECT_EQ(r.first(0, TargetState::kSucceeded), 6 * kS);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::rollout
