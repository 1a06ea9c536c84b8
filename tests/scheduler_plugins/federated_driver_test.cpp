#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <numeric>

#include "scheduler_plugins/federated/driver.h"

namespace edgetwin::scheduler_plugins::federated {
namespace {

// Overlapping blobs (separation 1.0 in 8 dimensions, unit noise): learnable but not trivially.
struct Fixture {
  Dataset train = synthetic_blobs(11, 5, 8, 200, 1.0, 0);
  Dataset test = synthetic_blobs(11, 5, 8, 100, 1.0, 1);
};

FederatedConfig small_config() {
  FederatedConfig c;
  c.rounds = 15;
  c.per_round = 5;
  c.local.learning_rate = 0.1;
  c.local.batch_size = 10;
  c.seed = 3;
  return c;
}

TEST(FederatedDriver, FedAvgWithOneClientAndOneFullBatchStepPerRoundIsCentralisedSgd) {
  // One client holds every sample; one local step on the full batch equals one step of
  // centralised gradient descent: w1 = w0 - lr grad(w0). The client sums the batch in shuffled
  // order, so agreement is to rounding: within 1e-12. A second round with lr_decay 0.5 takes
  // w2 = w1 - 0.5 lr grad(w1).
  Fixture f;
  const Partition one = partition(f.train, {PartitionKind::kIid, 1, 0.5, 2}, 1);
  FederatedConfig c = small_config();
  c.rounds = 2;
  c.lr_decay = 0.5;
  c.per_round = 1;
  c.local.batch_size = static_cast<std::uint32_t>(f.train.size());
  c.local.max_steps = 1;
  for (ModelKind kind : {ModelKind::kSoftmax, ModelKind::kMlp}) {
    c.model = kind;
    c.hidden = 16;
    const FederatedResult r = run_federated(c, f.train, one, f.test);
    const Model model({kind, f.train.dim, f.train.num_classes, 16});
    std::vector<double> w(model.num_parameters()), g(w.size());
    model.init(w, c.seed);
    std::vector<std::uint32_t> all(f.train.size());
    std::iota(all.begin(), all.end(), 0u);
    Scratch s;
    for (double lr : {c.local.learning_rate, 0.5 * c.local.learning_rate}) {
      model.loss_gradient(w, f.train, all, g, s);
      for (std::size_t j = 0; j < w.size(); ++j) w[j] -= lr * g[j];
    }
    for (std::size_t j = 0; j < w.size(); ++j) ASSERT_NEAR(r.params[j], w[j], 1e-12) << j;
  }
}

TEST(FederatedDriver, SameSeedSameModelBitForBitWithOneOrTwoThreads) {
  Fixture f;
  const Partition p = partition(f.train, {PartitionKind::kDirichlet, 20, 0.5, 2}, 5);
  for (const char* strategy : {"fedavg", "fedyogi", "fedbuff"}) {
    FederatedConfig c = small_config();
    c.strategy = strategy;
    c.selector = "oort";
    c.compression.kind = CompressionKind::kQuantize8;
    c.model = ModelKind::kMlp;
    c.hidden = 12;
    FederatedResult one, two;
    {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
      one = run_federated(c, f.train, p, f.test);
    }
    {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
      two = run_federated(c, f.train, p, f.test);
    }
    EXPECT_EQ(one.params, two.params) << strategy;
    EXPECT_EQ(one.final_test.accuracy, two.final_test.accuracy) << strategy;
    c.seed = 4;
    EXPECT_NE(run_federated(c, f.train, p, f.test).params, one.params) << strategy;
  }
}

TEST(FederatedDriver, EveryStrategyComesCloseToCentralisedTraining) {
  // The reference: softmax regression trained centrally, 30 epochs of SGD over all samples.
  // Zero weights score 1/5 = 20 %; every strategy, after 15 rounds of 5 of 20 non-IID clients,
  // must come within 5 points of the reference.
  Fixture f;
  const Model model({ModelKind::kSoftmax, f.train.dim, f.train.num_classes, 0});
  std::vector<double> central(model.num_parameters(), 0.0);
  std::vector<std::uint32_t> all(f.train.size());
  std::iota(all.begin(), all.end(), 0u);
  LocalConfig epochs;
  epochs.learning_rate = 0.05;
  epochs.batch_size = 10;
  epochs.epochs = 30;
  sim::RandomStream rng(1, 0, 0);
  Scratch s;
  local_sgd(model, central, central, f.train, all, epochs, rng, s);
  const double reference = model.evaluate(central, f.test).accuracy;
  EXPECT_GT(reference, 0.6);
  const Partition p = partition(f.train, {PartitionKind::kDirichlet, 20, 0.5, 2}, 5);
  for (const char* strategy : {"fedavg", "fedprox", "fedadam", "fedyogi", "fedbuff"}) {
    FederatedConfig c = small_config();
    c.strategy = strategy;
    c.strategy_params.eta = 0.05;
    const FederatedResult r = run_federated(c, f.train, p, f.test);
    EXPECT_GT(r.final_test.accuracy, reference - 0.05) << strategy;
    ASSERT_EQ(r.rounds.size(), 15u);
    EXPECT_TRUE(r.rounds.back().evaluated);
  }
}

TEST(FederatedDriver, BytesOnTheWireFollowTheCompression) {
  // Softmax on 8 features, 5 classes: 45 parameters. Per round 5 clients each download 4 x 45 =
  // 180 bytes and upload top-k with k = ceil(0.1 x 45) = 5: 4 + 8 x 5 = 44 bytes.
  Fixture f;
  const Partition p = partition(f.train, {PartitionKind::kIid, 20, 0.5, 2}, 5);
  FederatedConfig c = small_config();
  c.compression = {CompressionKind::kTopK, 0.1};
  const FederatedResult r = run_federated(c, f.train, p, f.test);
  EXPECT_EQ(r.rounds[0].bytes_down, 5u * 180u);
  EXPECT_EQ(r.rounds[0].bytes_up, 5u * 44u);
  EXPECT_EQ(r.bytes_up, 15u * 5u * 44u);
}

TEST(FederatedDriver, FedBuffPublishesAModelEveryKArrivalsWithBoundedStaleness) {
  // K = 4 arrivals per published model and 8 clients in flight: every round folds exactly 4
  // updates; an update dispatched under version v arrives under at most v + 8 / 4 + ... versions,
  // so staleness stays small (< 8 here) and time advances.
  Fixture f;
  const Partition p = partition(f.train, {PartitionKind::kDirichlet, 20, 0.5, 2}, 5);
  FederatedConfig c = small_config();
  c.strategy = "fedbuff";
  c.strategy_params.buffer_size = 4;
  c.strategy_params.max_concurrency = 8;
  const FederatedResult r = run_federated(c, f.train, p, f.test);
  ASSERT_EQ(r.rounds.size(), 15u);
  double last = 0.0, stale = 0.0;
  for (const RoundRecord& rec : r.rounds) {
    EXPECT_EQ(rec.updates, 4u);
    EXPECT_GT(rec.virtual_time_s, last);
    last = rec.virtual_time_s;
    stale = std::max(stale, rec.max_staleness);
  }
  EXPECT_GT(stale, 0.0);
  EXPECT_LT(stale, 8.0);
}

TEST(FederatedDriver, BadConfigurationsAreNamed) {
  Fixture f;
  const Partition p = partition(f.train, {PartitionKind::kIid, 20, 0.5, 2}, 5);
  auto message = [&](const FederatedConfig& c) {
    try {
      validate(c, p);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  FederatedConfig c = small_config();
  c.per_round = 21;
  EXPECT_EQ(message(c), "per_round: 21 clients per round out of 20 clients; expected 1..20");
  c = small_config();
  c.strategy = "fedsgd";
  EXPECT_EQ(
      message(c),
      "strategy: unknown plug-in 'fedsgd'; valid: fedadam, fedavg, fedbuff, fedprox, fedyogi");
  c = small_config();
  c.selector = "fastest";
  EXPECT_EQ(message(c), "selector: unknown plug-in 'fastest'; valid: oort, random");
  c = small_config();
  c.local.learning_rate = -0.1;
  EXPECT_NE(message(c).find("learning_rate: expected a positive number"), std::string::npos);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::federated
