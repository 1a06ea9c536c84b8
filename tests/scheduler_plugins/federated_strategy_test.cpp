#include <gtest/gtest.h>

#include <cmath>

#include "scheduler_plugins/federated/strategy.h"

namespace edgetwin::scheduler_plugins::federated {
namespace {

std::unique_ptr<Strategy> make(const std::string& name, const StrategyParams& p = {}) {
  auto s = federated_registry().create(name);
  EXPECT_NE(s, nullptr) << name;
  s->configure(p);
  return s;
}

TEST(FederatedStrategy, FedAvgIsTheSampleWeightedMeanTimesTheServerStep) {
  // delta_a = (1, 2) with 1 sample, delta_b = (4, -1) with 3: mean = ((1 + 12) / 4, (2 - 3) / 4)
  // = (3.25, -0.25); from (10, 10): (13.25, 9.75). With server_lr 0.5: (11.625, 9.875).
  const std::vector<double> a = {1, 2}, b = {4, -1};
  const ClientUpdate updates[] = {{0, 1.0, 0, a}, {1, 3.0, 0, b}};
  std::vector<double> w = {10, 10};
  EXPECT_TRUE(make("fedavg")->aggregate(w, updates));
  EXPECT_EQ(w, (std::vector<double>{13.25, 9.75}));
  StrategyParams half;
  half.server_lr = 0.5;
  w = {10, 10};
  make("fedavg", half)->aggregate(w, updates);
  EXPECT_EQ(w, (std::vector<double>{11.625, 9.875}));
  // FedProx aggregates the same way and hands mu to the clients.
  w = {10, 10};
  half.proximal_mu = 0.25;
  auto prox = make("fedprox", half);
  prox->aggregate(w, updates);
  EXPECT_EQ(w, (std::vector<double>{11.625, 9.875}));
  EXPECT_EQ(prox->proximal_mu(), 0.25);
  // Updates without samples carry no weight: nothing changes.
  const ClientUpdate empty[] = {{0, 0.0, 0, a}};
  EXPECT_FALSE(make("fedavg")->aggregate(w, empty));
  EXPECT_EQ(w, (std::vector<double>{11.625, 9.875}));
}

// One server step of Reddi et al. (2021) with tau = 0.1 (v0 = tau^2 = 0.01), beta1 = 0.9,
// beta2 = 0.99, eta = 0.1 on Delta = (0.5, -0.05); m = 0.1 Delta = (0.05, -0.005).
// Adam: v = 0.99 x 0.01 + 0.01 Delta^2 = (0.0124, 0.009925);
//   step = 0.1 m / (sqrt(v) + 0.1) = (0.0236568484512509, -0.0025047051609575).
// Yogi: v = 0.01 - 0.01 Delta^2 sign(0.01 - Delta^2): Delta1^2 = 0.25 > v0 so v grows to 0.0125;
//   Delta2^2 = 0.0025 < v0 so v shrinks to 0.009975;
//   step = (0.0236067977499790, -0.0025015644561821).
TEST(FederatedStrategy, FedAdamAndFedYogiOneServerStepByHand) {
  StrategyParams p;
  p.tau = 0.1;
  p.eta = 0.1;
  const std::vector<double> delta = {0.5, -0.05};
  const ClientUpdate u[] = {{0, 7.0, 0, delta}};
  std::vector<double> w = {1.0, 1.0};
  make("fedadam", p)->aggregate(w, u);
  EXPECT_NEAR(w[0], 1.0 + 0.0236568484512509, 1e-15);
  EXPECT_NEAR(w[1], 1.0 - 0.0025047051609575, 1e-15);
  w = {1.0, 1.0};
  make("fedyogi", p)->aggregate(w, u);
  EXPECT_NEAR(w[0], 1.0 + 0.0236067977499790, 1e-15);
  EXPECT_NEAR(w[1], 1.0 - 0.0025015644561821, 1e-15);
}

TEST(FederatedStrategy, FedBuffWeighsStalenessAndWaitsForKUpdates) {
  // 1/sqrt(1 + s): s = 0 -> 1, s = 3 -> 1/2, s = 8 -> 1/3.
  EXPECT_EQ(staleness_weight(0), 1.0);
  EXPECT_EQ(staleness_weight(3), 0.5);
  EXPECT_NEAR(staleness_weight(8), 1.0 / 3.0, 1e-16);
  // K = 2: delta_a = (2, 4) fresh, delta_b = (4, -2) with staleness 3:
  // buffer = (2, 4) + (4, -2) / 2 = (4, 3); w += 1.0 x buffer / K = (2, 1.5).
  StrategyParams p;
  p.buffer_size = 2;
  p.max_concurrency = 5;
  auto buff = make("fedbuff", p);
  EXPECT_TRUE(buff->asynchronous());
  EXPECT_EQ(buff->max_concurrency(), 5u);
  const std::vector<double> a = {2, 4}, b = {4, -2};
  std::vector<double> w = {0, 0};
  const ClientUpdate first{0, 1.0, 0, a}, second{1, 100.0, 3, b};
  EXPECT_FALSE(buff->aggregate(w, {&first, 1}));
  EXPECT_EQ(w, (std::vector<double>{0, 0}));
  EXPECT_TRUE(buff->aggregate(w, {&second, 1}));
  EXPECT_EQ(w, (std::vector<double>{2, 1.5}));
  // The buffer emptied: one more update alone changes nothing.
  EXPECT_FALSE(buff->aggregate(w, {&first, 1}));
  EXPECT_EQ(w, (std::vector<double>{2, 1.5}));
}

TEST(FederatedStrategy, UnknownNamesAndBadParametersAreNamed) {
  std::string error;
  EXPECT_EQ(federated_registry().create("fedsgd", &error), nullptr);
  EXPECT_EQ(error, "unknown plug-in 'fedsgd'; valid: fedadam, fedavg, fedbuff, fedprox, fedyogi");
  EXPECT_EQ(selector_registry().create("greedy", &error), nullptr);
  EXPECT_EQ(error, "unknown plug-in 'greedy'; valid: oort, random");
  StrategyParams p;
  p.beta2 = 1.0;
  EXPECT_THROW(make_fedyogi()->configure(p), std::invalid_argument);
  p = {};
  p.buffer_size = 0;
  EXPECT_THROW(make_fedbuff()->configure(p), std::invalid_argument);
  p = {};
  p.proximal_mu = -1.0;
  EXPECT_THROW(make_fedprox()->configure(p), std::invalid_argument);
}

TEST(FederatedSelector, RandomPicksDistinctFreeClientsDeterministically) {
  auto random = make_random_selector();
  std::vector<std::uint32_t> a, b;
  const std::vector<std::uint32_t> busy = {3, 5, 7};
  sim::RandomStream r1(9, 0, 1), r2(9, 0, 1);
  random->select(0, 10000, 100, busy, r1, a);
  random->select(0, 10000, 100, busy, r2, b);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 100u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
  EXPECT_LT(a.back(), 10000u);
  // All but the busy ones out of 10: exactly the other 7.
  sim::RandomStream r3(9, 0, 2);
  random->select(0, 10, 7, busy, r3, a);
  EXPECT_EQ(a, (std::vector<std::uint32_t>{0, 1, 2, 4, 6, 8, 9}));
  EXPECT_THROW(random->select(0, 10, 8, busy, r3, a), std::invalid_argument);
}

TEST(FederatedSelector, OortExploitsTheHighestUtilityAndPenalisesSlowClients) {
  // Clients 0..9 explored in round 0 with |B| loss_rms = 10 i and equal durations; no
  // exploration. Normalised utilities are i / 9 and the staleness bonus sqrt(0.1 ln(0 + 1) / 1)
  // is 0 in round 0. Picking 3: the third best is 7/9, the cut-off 0.95 x 7/9 = 0.739 admits
  // 9, 8, 7 only (6/9 = 0.667 is below) -> {7, 8, 9}.
  SelectorParams p;
  p.exploration = 0.0;
  p.exploration_min = 0.0;
  p.preferred_duration_s = 1.0;
  auto oort = make_oort_selector();
  oort->configure(p);
  for (std::uint32_t i = 0; i < 10; ++i) oort->report(i, 0, {10, double(i), 1.0});
  std::vector<std::uint32_t> out;
  sim::RandomStream rng(1, 0, 0);
  oort->select(0, 1000, 3, {}, rng, out);
  EXPECT_EQ(out, (std::vector<std::uint32_t>{7, 8, 9}));
  // Client 9 now takes 100 s against T = 1 s: utility 1 x (1 / 100)^2 = 1e-4. The best three are
  // 8, 7, 6 (cut-off 0.95 x 6/9 = 0.633 excludes 5 at 0.556) -> {6, 7, 8}.
  oort->report(9, 0, {10, 9.0, 100.0});
  oort->select(0, 1000, 3, {}, rng, out);
  EXPECT_EQ(out, (std::vector<std::uint32_t>{6, 7, 8}));
  // Full exploration picks only clients never seen.
  p.exploration = 1.0;
  p.exploration_min = 1.0;
  oort->configure(p);
  oort->select(1, 1000, 50, {}, rng, out);
  ASSERT_EQ(out.size(), 50u);
  EXPECT_GE(out.front(), 10u);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::federated
