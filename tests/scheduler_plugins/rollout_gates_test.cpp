// Maintenance windows across time zones, per-group download caps, all-at-once, the registry,
// bad parameters and determinism.
#include <thread>

#include "rollout_test_util.h"
#include "sim/random.h"

namespace edgetwin::scheduler_plugins::rollout {
namespace {

using testing::errors_of;
using testing::one_site;
using testing::start_times;
using testing::strategy;
using testing::uniform;
constexpr sim::Time kMin = sim::kMinute;
constexpr sim::Time kH = sim::kHour;

TEST(MaintenanceWindow, StartsEachSiteInsideItsOwnLocalWindow) {
  // Window 02:00-04:00 local; simulated 0 is 00:00 UTC. Site 0 is UTC+0: opens at 2 h. Site 1
  // is UTC+5:30: local 05:30 at 0, next local 02:00 is 20.5 h later. Site 2 is UTC-8: local
  // 16:00 at 0, opens 10 h later.
  RolloutPlan plan;
  plan.site = {0, 1, 2, 0, 1, 2};
  plan.utc_offset_minutes = {0, 330, -480};
  auto s = strategy("maintenance-window", {{"window_start", "2h"}, {"window_end", "4h"}});
  const auto r = play(*s, plan, uniform(5 * kMin, 5 * kMin));
  const auto t = start_times(r, 6);
  EXPECT_EQ(t[0], 2 * kH);
  EXPECT_EQ(t[3], 2 * kH);
  EXPECT_EQ(t[2], 10 * kH);
  EXPECT_EQ(t[5], 10 * kH);
  EXPECT_EQ(t[1], 20 * kH + 30 * kMin);
  EXPECT_EQ(t[4], 20 * kH + 30 * kMin);
  EXPECT_EQ(r.verdict, Verdict::kCompleted);
  EXPECT_EQ(r.verdict_time, 20 * kH + 40 * kMin);

  // The same plan with simulated 0 at 23:00 UTC: site 0 opens 3 h in; site 2 (local 15:00)
  // 11 h in; site 1 (local 04:30, just after its window) 21.5 h in.
  plan.utc_time_of_day_at_zero = 23 * kH;
  auto s2 = strategy("maintenance-window", {{"window_start", "2h"}, {"window_end", "4h"}});
  const auto t2 = start_times(play(*s2, plan, uniform(5 * kMin, 5 * kMin)), 6);
  EXPECT_EQ(t2[0], 3 * kH);
  EXPECT_EQ(t2[2], 11 * kH);
  EXPECT_EQ(t2[1], 21 * kH + 30 * kMin);
}

TEST(MaintenanceWindow, NoUpdateStartsAfterTheWindowClosesAndWindowsWrapMidnight) {
  // 22:00-01:00 local (wraps), one at a time, 50 min updates, UTC+0, simulated 0 at 12:00 UTC:
  // starts at 22:00, 22:50, 23:40, 00:30 local (sim 10 h, 10 h 50, 11 h 40, 12 h 30); the next
  // would be 01:20 (closed), so it waits for 22:00 the next day (sim 34 h).
  auto s = strategy("maintenance-window",
                    {{"window_start", "22h"}, {"window_end", "1h"}, {"max_concurrent", "1"}});
  RolloutPlan plan = one_site(5);
  plan.utc_time_of_day_at_zero = 12 * kH;
  const auto r = play(*s, plan, uniform(20 * kMin, 30 * kMin));
  const auto t = start_times(r, 5);
  EXPECT_EQ(t[0], 10 * kH);
  EXPECT_EQ(t[1], 10 * kH + 50 * kMin);
  EXPECT_EQ(t[2], 11 * kH + 40 * kMin);
  EXPECT_EQ(t[3], 12 * kH + 30 * kMin);
  EXPECT_EQ(t[4], 34 * kH);
  for (const auto& step : r.steps) {
    if (step.started == 0) continue;
    const sim::Time local = (12 * kH + step.time) % sim::kDay;
    EXPECT_TRUE(local >= 22 * kH || local < 1 * kH) << sim::format_duration(step.time);
  }
}

TEST(BandwidthWaves, NeverExceedsThePerGroupDownloadCap) {
  // 3 sites x 10 targets, at most 2 downloading per site; download times vary by target
  // (1..5 min), installs 1 min (not capped).
  RolloutPlan plan;
  for (std::uint32_t t = 0; t < 30; ++t) plan.site.push_back(t % 3);
  plan.utc_offset_minutes = {0, 0, 0};
  auto s = strategy("bandwidth-waves", {{"max_downloads_per_group", "2"}});
  const auto r = play(*s, plan, [](std::uint32_t t, std::uint32_t) {
    return AttemptScript{(t * 7 % 5 + 1) * kMin, kMin, TargetState::kSucceeded};
  });
  EXPECT_EQ(r.verdict, Verdict::kCompleted);
  ASSERT_EQ(r.max_downloading.size(), 3u);
  for (std::uint32_t g = 0; g < 3; ++g) EXPECT_EQ(r.max_downloading[g], 2u) << "site " << g;
  // Replaying the changes: at no instant more than 2 of a site downloading.
  std::vector<int> downloading(3, 0);
  std::vector<TargetState> state(30, TargetState::kPending);
  for (const auto& c : r.changes) {
    if (state[c.target] == TargetState::kDownloading) --downloading[plan.site[c.target]];
    if (c.state == TargetState::kDownloading) ++downloading[plan.site[c.target]];
    state[c.target] = c.state;
    EXPECT_LE(downloading[plan.site[c.target]], 2);
  }
}

TEST(BandwidthWaves, AQueuedOfflineDeviceHoldsItsSlotSoItsReturnCannotBreakTheCap) {
  // One site, cap 2; target 0 is offline for 5 min, then downloads for 10 min; the others
  // download for 10 min at once. At 0: 0 (queued) and 1. At 10 min target 1's download ends:
  // one slot is free (target 0, now downloading since 5 min, holds the other): target 2 starts.
  // Had the queued target not held its slot, 1 and 2 would both have started at 0 and target 0
  // would have made 3 downloads from 5 min on.
  RolloutPlan plan = one_site(4);
  auto s = strategy("bandwidth-waves", {{"max_downloads_per_group", "2"}});
  const auto r = play(*s, plan, [](std::uint32_t t, std::uint32_t) {
    AttemptScript a{10 * kMin, kMin, TargetState::kSucceeded};
    if (t == 0) a.queued = 5 * kMin;
    return a;
  });
  const auto t = start_times(r, 4);
  EXPECT_EQ(r.first(0, TargetState::kQueued), 0);
  EXPECT_EQ(t[0], 5 * kMin);  // start_times: when its download began
  EXPECT_EQ(t[1], 0);
  EXPECT_EQ(t[2], 10 * kMin);
  EXPECT_EQ(t[3], 15 * kMin);  // target 0's download ends at 15 min
  EXPECT_EQ(r.max_downloading[0], 2u);
}

TEST(BandwidthWaves, CompletionIsWavesOfDownloadsPlusTheLastInstall) {
  // One link shared by two sites (plan.link), cap 2, 10 targets, 3 min downloads, 1 min installs:
  // downloads in pairs at 0, 3, 6, 9, 12 min; the last install ends at 5 x 3 + 1 = 16 min.
  RolloutPlan plan;
  for (std::uint32_t t = 0; t < 10; ++t) plan.site.push_back(t % 2);
  plan.link.assign(10, 0);
  plan.utc_offset_minutes = {0, 0};
  auto s = strategy("bandwidth-waves", {{"max_downloads_per_group", "2"}});
  const auto r = play(*s, plan, uniform(3 * kMin, kMin));
  EXPECT_EQ(r.verdict_time, 16 * kMin);
  EXPECT_EQ(r.max_downloading[0], 2u);
  EXPECT_EQ(start_times(r, 10)[9], 12 * kMin);
}

TEST(BandwidthWaves, AGroupHeldBackByTheGlobalCapGoesFirstWhenRoomReturns) {
  // Sites 0 (targets 0-3) and 1 (targets 4-7), 2 downloads per site, 3 in progress overall;
  // 2 min download + 1 min install. 0 min: 0, 1 (site 0), then 4 (site 1; the global cap stops
  // it, site 1 stays first in line). 3 min, all installed: 5, 6 (site 1 first), then 2. 6 min:
  // 3 and 7. Completed at 9 min, never more than 3 in progress.
  RolloutPlan plan;
  plan.site = {0, 0, 0, 0, 1, 1, 1, 1};
  plan.utc_offset_minutes = {0, 0};
  auto s = strategy("bandwidth-waves", {{"max_downloads_per_group", "2"}, {"max_concurrent", "3"}});
  const auto r = play(*s, plan, uniform(2 * kMin, kMin));
  const auto t = start_times(r, 8);
  EXPECT_EQ(t, (std::vector<sim::Time>{0, 0, 3 * kMin, 6 * kMin, 0, 3 * kMin, 3 * kMin, 6 * kMin}));
  EXPECT_EQ(r.max_in_progress, 3u);
  EXPECT_EQ(r.verdict_time, 9 * kMin);
  // The order within an instant: site 1's held-back slot is served before site 0.
  std::vector<std::uint32_t> at3;
  for (const auto& c : r.changes) {
    if (c.time == 3 * kMin && c.state == TargetState::kDownloading) at3.push_back(c.target);
  }
  EXPECT_EQ(at3, (std::vector<std::uint32_t>{5, 6, 2}));
}

// hawkBit: 100 targets in 4 groups of 25; target 25k + i takes i + 1 min. The next group starts
// when 80 % of the current one (20 targets) succeeded: 20 min after it started. Groups start at
// 0, 20, 40, 60 min; the last target ends at 60 + 25 = 85 min.
TEST(GatedWaves, EachGroupStartsWhenThePreviousReachesItsSuccessThreshold) {
  auto s = strategy("gated-waves", {{"groups", "4"}, {"success_threshold_percent", "80"}});
  const auto r = play(*s, one_site(100), [](std::uint32_t t, std::uint32_t) {
    return AttemptScript{0, (t % 25 + 1) * kMin, TargetState::kSucceeded};
  });
  const auto t = start_times(r, 100);
  EXPECT_EQ(t[24], 0);
  EXPECT_EQ(t[25], 20 * kMin);
  EXPECT_EQ(t[50], 40 * kMin);
  EXPECT_EQ(t[99], 60 * kMin);
  EXPECT_EQ(r.verdict, Verdict::kCompleted);
  EXPECT_EQ(r.verdict_time, 85 * kMin);
}

TEST(GatedWaves, TheErrorThresholdShutsTheRolloutDown) {
  // The same, targets 25..29 (group 1's first five) fail at 21..25 min; error threshold 20 % of
  // 25 = 5 failures: shutdown at 25 min, groups 2 and 3 (50 targets) canceled, group 0's late
  // targets and group 1's others finish (no rollback). Four failures (16 %) would not do it.
  auto s = strategy(
      "gated-waves",
      {{"groups", "4"}, {"success_threshold_percent", "80"}, {"error_threshold_percent", "20"}});
  auto script = [](std::uint32_t bad) {
    return [bad](std::uint32_t t, std::uint32_t) {
      return AttemptScript{
          0, (t % 25 + 1) * kMin,
          t >= 25 && t < 25 + bad ? TargetState::kFailed : TargetState::kSucceeded};
    };
  };
  const auto r = play(*s, one_site(100), script(5));
  EXPECT_EQ(r.verdict, Verdict::kAborted);
  EXPECT_EQ(r.verdict_time, 25 * kMin);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kCanceled)], 50u);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kRolledBack)], 0u);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kSucceeded)], 45u);
  EXPECT_EQ(play(*s, one_site(100), script(4)).verdict, Verdict::kCompleted);
}

TEST(AllAtOnce, StartsEveryTargetAtOnceAndCompletesWithTheSlowest) {
  auto s = strategy("all-at-once", {});
  const auto r = play(*s, one_site(5), [](std::uint32_t t, std::uint32_t) {
    return AttemptScript{t * kMin, kMin, TargetState::kSucceeded};
  });
  for (sim::Time t : start_times(r, 5)) EXPECT_EQ(t, 0);
  EXPECT_EQ(r.max_in_progress, 5u);
  EXPECT_EQ(r.verdict_time, 5 * kMin);  // target 4: 4 min + 1 min
}

TEST(RolloutRegistry, HoldsEveryBuiltInAndListsThemForAnUnknownName) {
  EXPECT_EQ(rollout_registry().names(),
            "all-at-once, bandwidth-waves, blue-green, canary, exponential-waves, gated-waves, "
            "maintenance-window, rolling");
  for (const auto& [name, entry] : rollout_registry().entries()) {
    EXPECT_EQ(rollout_registry().create(name)->name(), name);
  }
  const auto errors = errors_of("canery", {});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "/rollouts/0/strategy: unknown plug-in 'canery'; valid: all-at-once, "
            "bandwidth-waves, blue-green, canary, exponential-waves, gated-waves, "
            "maintenance-window, rolling");
}

TEST(RolloutRegistry, EachStrategyDeclaresItsParametersWithDefaultsAndRanges) {
  std::string error;
  const auto rolling = strategy_parameters("rolling", &error);
  ASSERT_EQ(rolling.size(), 3u);
  EXPECT_EQ(rolling[0].key, "max_surge");
  EXPECT_EQ(rolling[0].type, "count or percent");
  EXPECT_EQ(rolling[0].fallback, "25%");
  EXPECT_EQ(rolling[2].key, "progress_deadline");
  EXPECT_EQ(rolling[2].fallback, "10m");  // 600 s
  EXPECT_EQ(rolling[2].range, ">= 1s");
  const auto aws = strategy_parameters("exponential-waves", &error);
  auto find = [&](std::string_view key) {
    for (const auto& d : aws) {
      if (d.key == key) return d;
    }
    return Params::Declared{};
  };
  EXPECT_EQ(find("maximum_per_minute").range, "[1, 1000]");
  EXPECT_EQ(find("increment_factor").range, "[1.1, 5]");
  EXPECT_EQ(find("abort_threshold_percent").fallback, "none");
  EXPECT_EQ(find("base_rate_per_minute").fallback, "none");
  EXPECT_EQ(strategy_parameters("gated-waves", &error)[1].fallback, "100%");
  EXPECT_EQ(find("abort_failure_type").range, "FAILED | REJECTED | TIMED_OUT | ALL");
  EXPECT_EQ(find("in_progress_timeout").range, ">= 1m");
  // Every key a strategy declares is one it accepts: configuring with every scalar one set to
  // its default gives no error.
  for (const auto& [name, entry] : rollout_registry().entries()) {
    Params p;
    for (const auto& d : strategy_parameters(name, &error)) {
      if (d.type != "list" && d.fallback != "none") p.set(d.key, d.fallback);
    }
    std::vector<std::string> errors;
    // The exponential rate's keys need a base rate (AWS requires the three together).
    if (name == "exponential-waves") p.set("base_rate_per_minute", "50");
    EXPECT_NE(make_strategy(name, p, errors), nullptr) << name;
    EXPECT_TRUE(errors.empty()) << name << ": " << (errors.empty() ? "" : errors[0]);
  }
  EXPECT_TRUE(strategy_parameters("nope", &error).empty());
  EXPECT_NE(error.find("unknown plug-in 'nope'"), std::string::npos);
}

TEST(RolloutBadInput, EachProblemIsNamedByItsPath) {
  auto one = [](std::vector<std::string> errors) {
    EXPECT_EQ(errors.size(), 1u);
    return errors.empty() ? std::string() : errors[0];
  };
  EXPECT_EQ(one(errors_of("exponential-waves",
                          {{"abort_failure_type", "FAILED"}, {"abort_threshold_percent", "120"}})),
            "/rollouts/0/abort_threshold_percent: a percentage cannot exceed 100%, got 120");
  EXPECT_EQ(one(errors_of("exponential-waves", {{"abort_failure_type", "FAILED"},
                                                {"abort_threshold_percent", "12.345"}})),
            "/rollouts/0/abort_threshold_percent: expected a percentage with at most 2 decimal "
            "places, got '12.345'");
  EXPECT_EQ(one(errors_of("exponential-waves", {},
                          {{"abort_criteria", {"FAILED:20:10", "FAILED:101:10"}}})),
            "/rollouts/0/abort_criteria/1: expected FAILED|REJECTED|TIMED_OUT|ALL:PERCENT:"
            "MIN_EXECUTED (e.g. FAILED:20:10), got 'FAILED:101:10' (a percentage cannot exceed "
            "100%, got 101)");
  EXPECT_EQ(one(errors_of("exponential-waves", {}, {{"abort_criteria", {"FALED:20:10"}}})),
            "/rollouts/0/abort_criteria/0: expected FAILED|REJECTED|TIMED_OUT|ALL:PERCENT:"
            "MIN_EXECUTED (e.g. FAILED:20:10), got 'FALED:20:10'");
  EXPECT_EQ(one(errors_of("rolling", {{"max_surge", "0"}, {"max_unavailable", "0%"}})),
            "/rollouts/0/max_unavailable: max_surge and max_unavailable cannot both be 0");
  EXPECT_EQ(one(errors_of("rolling", {{"max_surge", "-1"}})),
            "/rollouts/0/max_surge: expected a count >= 0 or a whole percentage 0%..100%, got "
            "'-1'");
  EXPECT_EQ(one(errors_of("canary", {{"step_wieght", "10"}})),
            "/rollouts/0/step_wieght: unknown parameter; valid: inconclusive_limit, interval, "
            "max_failure_percent, max_weight, min_success_percent, progress_deadline, "
            "step_weight, step_weights, steps, threshold");
  EXPECT_EQ(one(errors_of("canary", {}, {{"steps", {"weight=20", "pause"}}})),
            "/rollouts/0/steps/1: unknown step 'pause'; valid: weight=PERCENT, pause=DURATION");
  EXPECT_EQ(one(errors_of("exponential-waves",
                          {{"base_rate_per_minute", "10"}, {"increment_factor", "1.15"}})),
            "/rollouts/0/increment_factor: expected one decimal place (1.1 .. 5.0)");
  EXPECT_EQ(one(errors_of("exponential-waves", {{"base_rate_per_minute", "0"}})),
            "/rollouts/0/base_rate_per_minute: expected an integer in [1, 1000], got 0");
  EXPECT_EQ(one(errors_of("maintenance-window", {{"window_start", "3h"}, {"window_end", "3h"}})),
            "/rollouts/0/window_end: the window is empty (end = start)");
  // Several problems are all reported.
  EXPECT_EQ(errors_of("canary", {{"interval", "-1s"}, {"threshold", "0"}}).size(), 2u);
}

TEST(RolloutPlan, CheckNamesTheTargetWithAnUnknownSite) {
  RolloutPlan plan = one_site(3);
  EXPECT_EQ(plan.check(), "");
  plan.site[2] = 4;
  EXPECT_EQ(plan.check(), "target 2: site 4 of 1 sites");
  auto s = strategy("all-at-once", {});
  EXPECT_THROW(play(*s, plan, uniform(0, 0)), std::invalid_argument);
  plan.site[2] = 0;
  plan.utc_offset_minutes[0] = 15 * 60;
  EXPECT_EQ(plan.check(), "UTC offset 900 min is outside -12h..+14h");
}

// Starts target 0 at every decision (a broken plug-in), or asks again at the same instant.
class Broken final : public RolloutStrategy {
 public:
  explicit Broken(bool same_instant) : same_instant_(same_instant) {}
  std::string_view name() const override { return "broken"; }
  void configure(Params&) override {}
  void begin(const RolloutPlan&, sim::Time) override {}
  void decide(const RolloutPlan&, const RolloutProgress&, sim::Time now, Decision& out) override {
    if (same_instant_) {
      out.next = now;
    } else {
      out.start.push_back(0);
    }
  }

 private:
  bool same_instant_;
};

TEST(RolloutDriver, NamesAStrategyThatBreaksTheProtocol) {
  const auto plan = one_site(2);
  Broken twice(false), spin(true);
  try {
    play(twice, plan, uniform(kMin, kMin));
    ADD_FAILURE() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "rollout strategy 'broken' started target 0 in state downloading at 0s");
  }
  EXPECT_THROW(play(spin, plan, uniform(kMin, kMin)), std::logic_error);
}

TEST(RolloutProgress, KeepsCountsPerStateAndDownloadsPerGroup) {
  RolloutPlan plan;
  plan.site = {0, 1, 1};
  plan.utc_offset_minutes = {0, 0};
  RolloutProgress p(plan);
  EXPECT_EQ(p.count(TargetState::kPending), 3u);
  p.set_state(1, TargetState::kDownloading, 0);
  p.set_state(2, TargetState::kDownloading, 0);
  EXPECT_EQ(p.downloading_in_group(1), 2u);
  p.set_state(2, TargetState::kInstalling, 0);
  EXPECT_EQ(p.downloading_in_group(1), 1u);
  EXPECT_EQ(p.download_slots_in_group(1), 1u);
  EXPECT_EQ(p.slot_freed_log(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(p.in_progress_count(), 2u);
  p.set_state(2, TargetState::kFailed, 0);
  p.set_state(2, TargetState::kQueued, 5);  // a retry; the device is offline
  EXPECT_EQ(p.attempts(2), 2u);
  EXPECT_EQ(p.in_progress_count(), 2u);
  EXPECT_EQ(p.downloading_in_group(1), 1u);
  EXPECT_EQ(p.download_slots_in_group(1), 2u);   // the queued retry holds a slot
  p.set_state(2, TargetState::kDownloading, 9);  // it came back
  EXPECT_EQ(p.attempts(2), 2u);
  ASSERT_EQ(p.began_log().size(), 3u);
  EXPECT_EQ(p.began_log()[2].time, 9);
  EXPECT_EQ(p.began_log()[2].attempt, 2u);
  EXPECT_EQ(p.finished_log(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(p.count(TargetState::kFailed), 0u);
}

// A random fleet from per-(seed, target, purpose) streams: durations and outcomes depend only on
// (seed, target, attempt).
FleetScript random_fleet(std::uint64_t seed) {
  return [seed](std::uint32_t target, std::uint32_t attempt) {
    sim::RandomStream rng(seed, target, sim::purpose_id("rollout-test") + attempt);
    AttemptScript a;
    a.download = sim::from_seconds(rng.exponential(60.0));
    a.install = sim::from_seconds(rng.uniform(10.0, 100.0));
    const double u = rng.uniform01();
    a.outcome = u < 0.05 ? TargetState::kFailed
                         : (u < 0.07 ? TargetState::kRejected : TargetState::kSucceeded);
    a.hang = rng.uniform01() < 0.02;
    return a;
  };
}

std::vector<std::pair<std::string, PlayResult>> play_every_strategy(std::uint64_t seed) {
  RolloutPlan plan;
  for (std::uint32_t t = 0; t < 400; ++t) plan.site.push_back(t % 7);
  plan.utc_offset_minutes = {0, 60, -300, 330, 540, -600, 0};
  const auto script = random_fleet(seed);
  const std::vector<std::pair<const char*, std::vector<std::pair<std::string, std::string>>>>
      configs = {
          {"all-at-once", {}},
          {"rolling", {{"max_surge", "10%"}, {"max_unavailable", "5%"}}},
          {"canary", {{"step_weight", "5"}, {"max_weight", "30"}, {"max_failure_percent", "10"}}},
          {"exponential-waves",
           {{"base_rate_per_minute", "20"},
            {"increment_factor", "1.5"},
            {"rate_increase_count", "30"},
            {"in_progress_timeout", "10m"},
            {"retries_timed_out", "1"},
            {"abort_failure_type", "ALL"},
            {"abort_threshold_percent", "15"},
            {"abort_min_executed", "50"}}},
          {"blue-green", {}},
          {"maintenance-window", {{"window_start", "1h"}, {"window_end", "5h"}}},
          {"bandwidth-waves", {{"max_downloads_per_group", "3"}}},
          {"gated-waves",
           {{"groups", "8"},
            {"success_threshold_percent", "60"},
            {"error_threshold_percent", "30"}}},
      };
  std::vector<std::pair<std::string, PlayResult>> out;
  for (const auto& [name, params] : configs) {
    auto s = strategy(name, params);
    PlayOptions options;
    options.until = 7 * sim::kDay;
    out.emplace_back(name, play(*s, plan, script, options));
  }
  return out;
}

TEST(RolloutDeterminism, SameSeedSameTraceWhateverRunsAlongside) {
  const auto a = play_every_strategy(42);
  // The same rollouts, four at a time on threads: strategies and the driver share nothing.
  std::vector<std::vector<std::pair<std::string, PlayResult>>> parallel(4);
  std::vector<std::thread> threads;
  for (auto& slot : parallel) threads.emplace_back([&slot] { slot = play_every_strategy(42); });
  for (auto& t : threads) t.join();
  for (const auto& b : parallel) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      SCOPED_TRACE(a[i].first);
      EXPECT_EQ(a[i].second.changes, b[i].second.changes);
      EXPECT_EQ(a[i].second.steps, b[i].second.steps);
    }
  }
  // And the trace depends on the seed (the test could fail): another seed changes it.
  const auto c = play_every_strategy(43);
  EXPECT_NE(a[0].second.changes, c[0].second.changes);
  for (const auto& [name, r] : a) EXPECT_FALSE(r.changes.empty()) << name;
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::rollout
