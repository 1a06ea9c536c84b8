#include "cli/bench_federated.h"

#include <tbb/global_control.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "cli/commands.h"
#include "models/device_catalog.h"
#include "network/topology.h"
#include "sim/units.h"

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
  fl::FlSimConfig& sc = o.sim;
  options.add_options()("simulate", po::bool_switch(&o.simulate),
                        "federated: run the FL process in simulated time on a generated fleet")(
      "fleet", po::value(&o.fleet_types)->default_value(o.fleet_types),
      "federated --simulate: device types cycled over the clients")(
      "access", po::value(&o.access)->default_value(o.access),
      "federated --simulate: access link preset of every device")(
      "site-size", po::value(&o.site_size)->default_value(o.site_size),
      "federated --simulate: devices per edge site")(
      "over-selection", po::value(&sc.over_selection)->default_value(sc.over_selection),
      "federated --simulate: pick ceil(K (1 + this)) clients, keep the first K updates")(
      "deadline", po::value(&o.deadline)->default_value(o.deadline),
      "federated --simulate: per-round deadline (0: none)")(
      "reference-flops",
      po::value(&sc.reference_core_flops)->default_value(sc.reference_core_flops),
      "federated --simulate: FLOP/s of one reference cloud-VM core")(
      "mtbf", po::value(&o.mtbf)->default_value(o.mtbf),
      "federated --simulate: mean time between device crashes (0: none)")(
      "mttr", po::value(&o.mttr)->default_value(o.mttr),
      "federated --simulate: mean time to repair a crashed device");
}

namespace {

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t end = std::min(list.find(',', begin), list.size());
    out.push_back(list.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

sim::Time duration_option(const char* name, const std::string& text) {
  const sim::Parsed<sim::Time> t = sim::parse_duration(text);
  if (!t.ok()) throw std::invalid_argument(std::string(name) + ": " + t.error);
  return t.value;
}

// `clients` devices at edge sites of site_size devices, each site 1 Gb/s, 20 ms from the cloud
// (site 0, the server); device types cycled over the clients; one access preset.
models::FleetConfig make_fleet(const FederatedBenchOptions& o, std::uint32_t clients) {
  models::FleetConfig f;
  f.seed = o.config.seed;
  f.duration = o.sim.max_time;
  f.sample_interval = 0;
  for (const std::string& name : split(o.fleet_types)) {
    const models::DeviceType* t = models::find_builtin_device_type(name);
    if (t == nullptr) {
      std::string valid;
      for (const models::DeviceType& b : models::builtin_device_types()) {
        valid += (valid.empty() ? "" : ", ") + b.name;
      }
      throw std::invalid_argument("fleet: unknown device type '" + name + "'; valid: " + valid);
    }
    f.types.push_back(*t);
  }
  const network::AccessPreset* preset = network::find_access_preset(o.access);
  if (preset == nullptr) {
    std::string valid;
    for (const network::AccessPreset& p : network::access_presets()) {
      valid += (valid.empty() ? "" : ", ") + p.name;
    }
    throw std::invalid_argument("access: unknown preset '" + o.access + "'; valid: " + valid);
  }
  if (o.site_size == 0) throw std::invalid_argument("site-size: expected a positive integer");
  f.sites.push_back({"cloud", "cloud"});
  f.network.enabled = true;
  const std::uint32_t sites = (clients + o.site_size - 1) / o.site_size;
  for (std::uint32_t s = 1; s <= sites; ++s) {
    f.sites.push_back({"edge-" + std::to_string(s), "edge"});
    f.network.links.push_back({s, 0, 1e9, 1e9, 20 * sim::kMillisecond,
                               sim::Distribution::constant(0.0)});
  }
  for (std::uint32_t k = 0; k < clients; ++k) {
    f.devices.push_back({"d" + std::to_string(k), static_cast<std::uint32_t>(k % f.types.size()),
                         1 + k / o.site_size, {}});
    f.network.access.push_back(
        {preset->name, preset->up_bps, preset->down_bps, preset->latency, preset->jitter_s});
  }
  const sim::Time mtbf = duration_option("mtbf", o.mtbf);
  if (mtbf > 0) {
    models::DeviceFailureConfig crash;
    crash.name = "crash";
    crash.random = true;
    crash.mtbf_s = sim::Distribution::exponential(sim::to_seconds(mtbf));
    crash.mttr_s = sim::Distribution::exponential(sim::to_seconds(duration_option("mttr", o.mttr)));
    crash.group_begin = {0};
    for (std::uint32_t k = 0; k < clients; ++k) {
      crash.devices.push_back(k);
      crash.group_begin.push_back(k + 1);
    }
    f.lifecycle.failures.push_back(std::move(crash));
  }
  return f;
}

int bench_simulated(const po::variables_map& vm, FederatedBenchOptions& o,
                    const fl::TrainTest& data, const fl::Partition& partition, double load_s) {
  using Clock = std::chrono::steady_clock;
  fl::FlSimConfig& sc = o.sim;
  sc.fl = o.config;
  sc.round_deadline = duration_option("deadline", o.deadline);
  const models::FleetConfig fleet = make_fleet(o, partition.num_clients());
  fl::validate(sc, fleet, partition);
  const auto t0 = Clock::now();
  const fl::FlSimMetrics m = fl::simulate_federated(sc, fleet, data.train, partition, data.test);
  const double run_s = std::chrono::duration<double>(Clock::now() - t0).count();
  double best = 0.0, reached_s = -1.0, down = 0, train = 0, up = 0, wait = 0;
  std::uint32_t reached = 0;
  for (const fl::FlRoundMetrics& r : m.rounds) {
    down += r.download_s;
    train += r.train_s;
    up += r.upload_s;
    wait += r.waiting_s;
    if (!r.evaluated) continue;
    best = std::max(best, r.test.accuracy);
    if (reached == 0 && o.target > 0.0 && r.test.accuracy >= o.target) {
      reached = r.round;
      reached_s = r.end_s;
    }
  }
  const double rounds = m.rounds.empty() ? 1.0 : double(m.rounds.size());
  double energy = 0.0;
  for (double e : m.train_energy_j) energy += e;
  const int threads = static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  if (vm.count("json")) {
    std::printf(
        "{\"benchmark\":\"federated-simulated\",\"model\":\"%s\",\"strategy\":\"%s\","
        "\"clients\":%u,\"per_round\":%u,\"rounds\":%zu,\"completed\":%s,\"fleet\":\"%s\","
        "\"access\":\"%s\",\"over_selection\":%g,\"deadline\":\"%s\",\"final_accuracy\":%.4f,"
        "\"best_accuracy\":%.4f,\"target\":%g,\"round_reaching_target\":%u,"
        "\"simulated_s_reaching_target\":%.3f,\"simulated_s\":%.3f,\"mean_download_s\":%.4f,"
        "\"mean_train_s\":%.4f,\"mean_upload_s\":%.4f,\"mean_waiting_s\":%.4f,"
        "\"dropped_failure\":%llu,\"dropped_battery\":%llu,\"stragglers\":%llu,"
        "\"surplus\":%llu,\"bytes_up\":%llu,\"bytes_down\":%llu,\"train_energy_j\":%.3f,"
        "\"events\":%llu,\"load_s\":%.3f,\"wall_s\":%.3f,\"threads\":%d}\n",
        o.model.c_str(), sc.fl.strategy.c_str(), partition.num_clients(), sc.fl.per_round,
        m.rounds.size(), m.completed ? "true" : "false", o.fleet_types.c_str(), o.access.c_str(),
        sc.over_selection, o.deadline.c_str(), m.final_test.accuracy, best, o.target, reached,
        reached_s, m.end_s, down / rounds, train / rounds, up / rounds, wait / rounds,
        static_cast<unsigned long long>(m.dropped_failure),
        static_cast<unsigned long long>(m.dropped_battery),
        static_cast<unsigned long long>(m.stragglers), static_cast<unsigned long long>(m.surplus),
        static_cast<unsigned long long>(m.bytes_up), static_cast<unsigned long long>(m.bytes_down),
        energy, static_cast<unsigned long long>(m.events), load_s, run_s, threads);
  } else {
    std::printf(
        "%s %s in simulated time, %u of %u clients per round, %zu rounds: test accuracy %.2f%% "
        "(best %.2f%%) after %.1f simulated s",
        sc.fl.strategy.c_str(), o.model.c_str(), sc.fl.per_round, partition.num_clients(),
        m.rounds.size(), 100.0 * m.final_test.accuracy, 100.0 * best, m.end_s);
    if (o.target > 0.0) {
      if (reached > 0) {
        std::printf("; %.2f%% reached at round %u, %.1f simulated s", 100.0 * o.target, reached,
                    reached_s);
      } else {
        std::printf("; %.2f%% not reached", 100.0 * o.target);
      }
    }
    std::printf(
        "\nper round (critical path): download %.3f s, train %.3f s, upload %.3f s, waiting "
        "%.3f s; dropouts %llu (failure) %llu (battery), stragglers %llu, surplus %llu; "
        "training energy %.1f J; %.2f s wall (+ %.2f s loading)\n",
        down / rounds, train / rounds, up / rounds, wait / rounds,
        static_cast<unsigned long long>(m.dropped_failure),
        static_cast<unsigned long long>(m.dropped_battery),
        static_cast<unsigned long long>(m.stragglers), static_cast<unsigned long long>(m.surplus),
        energy, run_s, load_s);
  }
  return kExitOk;
}

}  // namespace

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
    if (o.simulate) {
      return bench_simulated(vm, o, data, partition, std::chrono::duration<double>(t1 - t0).count());
    }
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
