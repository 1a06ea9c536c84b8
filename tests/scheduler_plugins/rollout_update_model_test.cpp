// The update model: manifests and label selectors, installed versions, outcomes and their
// probabilities, validation; and a canary played against outcomes drawn from it.
#include <cmath>

#include "rollout_test_util.h"
#include "scheduler_plugins/rollout/update_model.h"

namespace edgetwin::scheduler_plugins::rollout {
namespace {

TargetGroup group(std::string name, std::vector<Label> selector, std::string version) {
  return {std::move(name),
          std::move(selector),
          {{"firmware", std::move(version), {{"arm64", 40 << 20}, {"", 60 << 20}}}}};
}

TEST(UpdateModel, ArtifactSizeIsPerArchitectureWithAFallback) {
  const auto g = group("all", {}, "2.0");
  EXPECT_EQ(g.components[0].size_for("arm64"), 40 << 20);
  EXPECT_EQ(g.components[0].size_for("x86_64"), 60 << 20);
  ComponentVersion only_arm{"app", "1", {{"arm64", 5}}};
  EXPECT_EQ(only_arm.size_for("x86_64"), -1);
}

TEST(UpdateModel, ResolveGivesEachDeviceItsFirstMatchingGroupAndTargetsOnlyOutdatedOnes) {
  DeploymentManifest m;
  m.groups = {group("canary-zone", {{"zone", "a"}, {"ring", "0"}}, "2.0"),
              group("zone-a", {{"zone", "a"}}, "1.9"), group("rest", {}, "1.8")};
  const std::vector<std::vector<Label>> labels = {
      {{"zone", "a"}, {"ring", "0"}}, {{"zone", "a"}}, {{"zone", "b"}}, {{"zone", "a"}}};
  const std::vector<Versions> installed = {
      {{"firmware", "1.8"}}, {{"firmware", "1.9"}}, {{"firmware", "1.7"}}, {}};
  std::vector<std::string> errors;
  const auto desired = resolve(m, labels, installed, "/rollouts/0/manifest", errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(desired.group, (std::vector<std::int32_t>{0, 1, 2, 1}));
  // Device 1 already runs 1.9; device 3 has no firmware at all.
  EXPECT_EQ(desired.targets, (std::vector<std::uint32_t>{0, 2, 3}));
}

TEST(UpdateModel, AGroupThatMatchesNoDeviceIsAnEmptyTargetGroup) {
  DeploymentManifest m;
  m.groups = {group("everyone", {}, "2.0"), group("zone-c", {{"zone", "c"}}, "2.0")};
  std::vector<std::string> errors;
  resolve(m, {{{"zone", "a"}}}, {{}}, "/rollouts/0/manifest", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "/rollouts/0/manifest/groups/1 (zone-c): empty target group: selector 'zone=c' "
            "matches no device not already taken by an earlier group");
}

TEST(UpdateModel, OnlySuccessChangesTheInstalledVersionsSoRollbackRestoresThePreviousOne) {
  const auto g = group("all", {}, "2.0");
  for (auto outcome : {UpdateOutcome::kDownloadInterrupted, UpdateOutcome::kInstallFailed,
                       UpdateOutcome::kBootLoopRolledBack, UpdateOutcome::kBricked}) {
    Versions v = {{"app", "3"}, {"firmware", "1.9"}};
    const bool repair = apply_outcome(g, outcome, v);
    EXPECT_EQ(v, (Versions{{"app", "3"}, {"firmware", "1.9"}})) << update_outcome_name(outcome);
    EXPECT_EQ(repair, outcome == UpdateOutcome::kBricked);
    EXPECT_EQ(target_state(outcome), TargetState::kFailed);
  }
  Versions v = {{"app", "3"}};
  EXPECT_FALSE(apply_outcome(g, UpdateOutcome::kSucceeded, v));
  EXPECT_EQ(v, (Versions{{"app", "3"}, {"firmware", "2.0"}}));  // inserted in component order
  EXPECT_FALSE(needs_update(g, v));
}

TEST(UpdateModel, OutcomeFrequenciesMatchTheProbabilities) {
  // n = 200,000 draws; the standard deviation of a frequency p is sqrt(p (1 - p) / n), at most
  // sqrt(0.25 / 200000) = 0.0011; 5 sigma for p = 0.1 is 5 x 0.00067 = 0.0034. Tolerance 0.004.
  const OutcomeProbabilities p{0.1, 0.05, 0.02, 0.01};
  sim::RandomStream rng(7, 0, sim::purpose_id("rollout-outcome"));
  int counts[5] = {};
  const int n = 200000;
  for (int i = 0; i < n; ++i) ++counts[static_cast<int>(draw_outcome(p, rng))];
  EXPECT_NEAR(counts[0] / double(n), 0.82, 0.004);  // 1 - 0.18
  EXPECT_NEAR(counts[1] / double(n), 0.10, 0.004);
  EXPECT_NEAR(counts[2] / double(n), 0.05, 0.004);
  EXPECT_NEAR(counts[3] / double(n), 0.02, 0.004);
  EXPECT_NEAR(counts[4] / double(n), 0.01, 0.004);
}

TEST(UpdateModel, TheMostSpecificFailureRuleWins) {
  FailureTable t;
  t.fallback.install_failed = 0.01;
  t.rules = {{"", "rpi4", {0.0, 0.02, 0.0, 0.0}},
             {"2.0", "", {0.0, 0.03, 0.0, 0.0}},
             {"2.0", "rpi4", {0.0, 0.5, 0.0, 0.0}}};
  EXPECT_EQ(t.lookup("2.0", "rpi4").install_failed, 0.5);
  EXPECT_EQ(t.lookup("2.0", "jetson").install_failed, 0.03);
  EXPECT_EQ(t.lookup("1.9", "rpi4").install_failed, 0.02);
  EXPECT_EQ(t.lookup("1.9", "jetson").install_failed, 0.01);
}

TEST(UpdateModel, ValidationReportsEveryProblemWithItsPath) {
  UpdateModel m;
  m.manifest.groups = {group("a", {}, ""), {"b", {}, {}}};
  m.manifest.groups[0].components.push_back({"firmware", "2.1", {{"", -5}}});
  m.failures.fallback = {0.5, 0.4, 0.2, 0.0};  // sums to 1.1
  m.failures.rules = {{"2.0", "", {-0.1, 0.0, 0.0, 0.0}}};
  m.times_by_type = {{"rpi4", {}}};
  m.times_by_type[0].second.install_s = sim::Distribution::normal(60, 10);
  const auto errors = m.validate("/rollouts/0");
  const std::vector<std::string> expected = {
      "/rollouts/0/manifest/groups/0/components/0/version: empty version",
      "/rollouts/0/manifest/groups/0/components/1/component: 'firmware' listed twice in the "
      "group",
      "/rollouts/0/manifest/groups/0/components/1/sizes/0: expected a size >= 0, got -5",
      "/rollouts/0/manifest/groups/1/components: no component to deploy",
      "/rollouts/0/failures/default: failure probabilities sum to 1.100000, above 1",
      "/rollouts/0/failures/rules/0/download_interrupted: a probability in [0, 1], got -0.100000",
      "/rollouts/0/times/rpi4/install: a time distribution must not draw negative values "
      "(normal with 60.000000, 10.000000)",
  };
  EXPECT_EQ(errors, expected);
  UpdateModel good;
  good.manifest.groups = {group("all", {}, "2.0")};
  EXPECT_TRUE(good.validate("/rollouts/0").empty());
}

// End to end without the simulation: 200 devices, version 2.0 boot-loops on 30 % of the "rpi4"
// devices (every other device: 15 % of the fleet) and works elsewhere. A canary of 5 % steps with
// a 10 % failure tolerance and threshold 2 aborts before half the fleet is touched.
TEST(UpdateModel, ACanaryCatchesABadVersionBeforeHalfTheFleetGetsIt) {
  const std::uint32_t n = 200;
  DeploymentManifest m;
  m.groups = {group("all", {}, "2.0")};
  std::vector<std::vector<Label>> labels(n);
  std::vector<Versions> installed(n, Versions{{"firmware", "1.9"}});
  std::vector<std::string> type(n);
  for (std::uint32_t d = 0; d < n; ++d) type[d] = d % 2 ? "jetson" : "rpi4";
  std::vector<std::string> errors;
  const auto desired = resolve(m, labels, installed, "/m", errors);
  ASSERT_EQ(desired.targets.size(), n);
  FailureTable failures;
  failures.rules = {{"2.0", "rpi4", {0.0, 0.0, 0.3, 0.0}}};
  std::vector<UpdateOutcome> outcome(n);
  auto script = [&](std::uint32_t t, std::uint32_t attempt) {
    const std::uint32_t d = desired.targets[t];
    sim::RandomStream rng(11, d, sim::purpose_id("rollout-outcome") + attempt);
    outcome[t] = draw_outcome(failures.lookup("2.0", type[d]), rng);
    return AttemptScript{sim::kMinute, 2 * sim::kMinute, target_state(outcome[t])};
  };
  auto s = testing::strategy("canary", {{"step_weight", "5"},
                                        {"max_weight", "50"},
                                        {"max_failure_percent", "10"},
                                        {"threshold", "2"}});
  const auto r = play(*s, testing::one_site(n), script);
  ASSERT_EQ(r.verdict, Verdict::kAborted);
  // Blast radius: only the canary's targets ever got the bad version.
  const std::uint32_t started = n - r.final_count[static_cast<int>(TargetState::kCanceled)];
  EXPECT_LT(started, n / 2);
  // Every started device either failed (its drawn outcome; apply_outcome keeps 1.9) or is rolled
  // back: none is left on 2.0.
  std::uint32_t drawn_failures = 0;
  for (std::uint32_t t = 0; t < n; ++t) {
    if (r.first(t, TargetState::kDownloading) == sim::kTimeMax) continue;
    drawn_failures += outcome[t] != UpdateOutcome::kSucceeded;
    Versions v = installed[desired.targets[t]];
    apply_outcome(m.groups[0], outcome[t], v);
    if (outcome[t] != UpdateOutcome::kSucceeded) {
      EXPECT_EQ(v, (Versions{{"firmware", "1.9"}}));
    }
  }
  EXPECT_GT(drawn_failures, 0u);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kFailed)], drawn_failures);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kSucceeded)], 0u);
  EXPECT_EQ(r.final_count[static_cast<int>(TargetState::kRolledBack)], started - drawn_failures);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::rollout
