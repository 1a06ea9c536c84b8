#include "cli/bench_federated.h"

#include <tbb/global_control.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "cli/commands.h"

namespace po = boost::program_options;

namespace edgetwin::cli {

namespace fl = scheduler_plugins::federated;

void add_federated_options(po::options_description& options, FederatedBenchOptions& o) {
  fl::FederatedConfig& c = o.config;
  c.local.learning_rate = 0.05;
  options.add_options()("model", po::value(&o.model)->default_value(o.model),
                        "federated: softmax or mlp")(
      "hidden", po::value(&c.hidden)->default_value(c.hidden), "federated: MLP hidden units")(
      "clients", po::value(&o.clients)->default_value(o.clients), "federated: population")(
      "per-round", po::value(&c.per_round)->default_value(c.per_round),
      "federated: clients per round")("rounds", po::value(&c.rounds)->default_value(c.rounds),
                                      "federated: rounds")(
      "partition", po::value(&o.partition)->default_value(o.partition),
      "federated: dirichlet, iid or shards")("alpha", po::value(&o.alpha)->default_value(o.alpha),
                                             "federated: Dirichlet alpha")(
      "shards", po::value(&o.shards)->default_value(o.shards), "federated: shards per client")(
      "strategy", po::value(&c.strategy)->default_value(c.strategy),
      "federated: fedavg, fedprox, fedadam, fedyogi or fedbuff")(
      "selector", po::value(&c.selector)->default_value(c.selector), "federated: random or oort")(
      "lr", po::value(&c.local.learning_rate)->default_value(c.local.learning_rate),
      "federated: client learning rate")("lr-decay",
                                         po::value(&c.lr_decay)->default_value(c.lr_decay),
                                         "federated: client learning rate factor per round")(
      "batch", po::value(&c.local.batch_size)->default_value(c.local.batch_size),
      "federated: client batch size")("epochs",
                                      po::value(&c.local.epochs)->default_value(c.local.epochs),
                                      "federated: local epochs")(
      "server-lr",
      po::value(&c.strategy_params.server_lr)->default_value(c.strategy_params.server_lr),
      "federated: server step (fedavg, fedbuff)")(
      "mu", po::value(&c.strategy_params.proximal_mu)->default_value(c.strategy_params.proximal_mu),
      "federated: FedProx mu")(
      "eta", po::value(&c.strategy_params.eta)->default_value(c.strategy_params.eta),
      "federated: FedAdam/FedYogi server learning rate")(
      "buffer",
      po::value(&c.strategy_params.buffer_size)->default_value(c.strategy_params.buffer_size),
      "federated: FedBuff buffer size K")("concurrency",
                                          po::value(&c.strategy_params.max_concurrency)
                                              ->default_value(c.strategy_params.max_concurrency),
                                          "federated: FedBuff concurrency cap")(
      "compression", po::value(&o.compression)->default_value(o.compression),
      "federated: none, topk or q8")(
      "topk", po::value(&c.compression.topk_fraction)->default_value(c.compression.topk_fraction),
      "federated: top-k fraction kept")("eval-every",
                                        po::value(&c.eval_every)->default_value(c.eval_every),
                                        "federated: evaluate every n rounds")(
      "target", po::value(&o.target)->default_value(o.target),
      "federated: report the first evaluated round reaching this test accuracy")(
      "fl-seed", po::value(&c.seed)->default_value(c.seed), "federated: seed")(
      "data", po::value(&o.data)->default_value(fl::kFashionMnistDir),
      "federated: Fashion-MNIST directory, or 'synthetic'");
}

int bench_federated(const po::variables_map& vm, FederatedBenchOptions& o) {
  using Clock = std::chrono::steady_clock;
  fl::FederatedConfig& c = o.config;
  try {
    c.model = fl::parse_model_kind(o.model);
    c.compression.kind = fl::parse_compression_kind(o.compression);
    const auto t0 = Clock::now();
    fl::TrainTest data;
    if (o.data == "synthetic") {
      data.train = fl::synthetic_blobs(c.seed, 10, 32, 600, 0.5, 0);
      data.test = fl::synthetic_blobs(c.seed, 10, 32, 100, 0.5, 1);
    } else {
      data = fl::load_fashion_mnist(o.data);
    }
    fl::PartitionSpec spec;
    spec.kind = fl::parse_partition_kind(o.partition);
    spec.clients = o.clients;
    spec.alpha = o.alpha;
    spec.shards_per_client = o.shards;
    const fl::Partition partition = fl::partition(data.train, spec, c.seed);
    fl::validate(c, partition);
    const auto t1 = Clock::now();
    const fl::FederatedResult r = fl::run_federated(c, data.train, partition, data.test);
    const auto t2 = Clock::now();
    const double load_s = std::chrono::duration<double>(t1 - t0).count();
    const double run_s = std::chrono::duration<double>(t2 - t1).count();
    std::uint32_t reached = 0;
    double best = 0.0;
    for (const fl::RoundRecord& rec : r.rounds) {
      if (!rec.evaluated) continue;
      best = std::max(best, rec.test.accuracy);
      if (reached == 0 && o.target > 0.0 && rec.test.accuracy >= o.target) reached = rec.round;
    }
    const int threads = static_cast<int>(
        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    if (vm.count("json")) {
      std::printf(
          "{\"benchmark\":\"federated\",\"model\":\"%s\",\"strategy\":\"%s\",\"selector\":\"%s\","
          "\"partition\":\"%s\",\"alpha\":%g,\"clients\":%u,\"per_round\":%u,\"rounds\":%u,"
          "\"epochs\":%u,\"batch\":%u,\"lr\":%g,\"lr_decay\":%g,\"compression\":\"%s\",\"final_"
          "accuracy\":%.4f,"
          "\"final_loss\":%.4f,\"best_accuracy\":%.4f,\"target\":%g,\"round_reaching_target\":%u,"
          "\"virtual_time_s\":%.1f,\"bytes_up\":%llu,\"bytes_down\":%llu,"
          "\"distinct_clients\":%u,\"load_s\":%.3f,\"wall_s\":%.3f,\"threads\":%d}\n",
          o.model.c_str(), c.strategy.c_str(), c.selector.c_str(), o.partition.c_str(), o.alpha,
          o.clients, c.per_round, c.rounds, c.local.epochs, c.local.batch_size,
          c.local.learning_rate, c.lr_decay, o.compression.c_str(), r.final_test.accuracy,
          r.final_test.loss, best, o.target, reached,
          r.rounds.empty() ? 0.0 : r.rounds.back().virtual_time_s,
          static_cast<unsigned long long>(r.bytes_up),
          static_cast<unsigned long long>(r.bytes_down), r.distinct_clients, load_s, run_s,
          threads);
    } else {
      std::printf(
          "%s %s, %u of %u clients per round (%s, alpha %g), %u rounds: test accuracy "
          "%.2f%% (best %.2f%%), loss %.4f; %.2f s (+ %.2f s loading)\n",
          c.strategy.c_str(), o.model.c_str(), c.per_round, o.clients, o.partition.c_str(), o.alpha,
          c.rounds, 100.0 * r.final_test.accuracy, 100.0 * best, r.final_test.loss, run_s, load_s);
    }
  } catch (const std::invalid_argument& e) {
    throw BadInput{std::string("bench federated: ") + e.what()};
  } catch (const std::runtime_error& e) {
    throw BadInput{std::string("bench federated: ") + e.what()};
  }
  return kExitOk;
}

}  // namespace edgetwin::cli
