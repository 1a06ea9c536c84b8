#include "scheduler_plugins/federated/driver.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_set>

namespace edgetwin::scheduler_plugins::federated {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

std::unique_ptr<Strategy> make_strategy(const FederatedConfig& c) {
  std::string error;
  auto s = federated_registry().create(c.strategy, &error);
  require(s != nullptr, "strategy: " + error);
  s->configure(c.strategy_params);
  return s;
}

std::unique_ptr<ClientSelector> make_selector(const FederatedConfig& c) {
  std::string error;
  auto s = selector_registry().create(c.selector, &error);
  require(s != nullptr, "selector: " + error);
  s->configure(c.selector_params);
  return s;
}

// What one client's training reports besides its update (the update itself, compressed and
// decoded, is written to the caller's buffer).
struct Trained {
  LocalResult result;
  std::uint64_t bytes_up = 0;
};

class Runner {
 public:
  Runner(const FederatedConfig& c, const Dataset& train, const Partition& partition,
         const Dataset& test)
      : c_(c),
        train_(train),
        partition_(partition),
        test_(test),
        model_({c.model, train.dim, train.num_classes, c.hidden}),
        strategy_(make_strategy(c)),
        selector_(make_selector(c)),
        p_(model_.num_parameters()),
        global_(p_) {
    model_.init(global_, c.seed);
    local_ = c.local;
    local_.proximal_mu = strategy_->proximal_mu();
    model_bytes_ = 4 * p_;  // float32 download
  }

  FederatedResult run() {
    if (strategy_->asynchronous()) {
      run_async();
    } else {
      run_sync();
    }
    out_.params = global_;
    out_.final_test = model_.evaluate(global_, test_);
    out_.distinct_clients = static_cast<std::uint32_t>(seen_.size());
    return std::move(out_);
  }

 private:
  double duration(std::uint32_t client, std::uint32_t samples) const {
    sim::RandomStream rng(c_.seed, client, sim::purpose_id("fl-speed"));
    const double speed = c_.device_flops * rng.lognormal(0.0, c_.speed_sigma);
    const double work = double(samples) * c_.local.epochs * model_.training_flops_per_sample();
    return c_.latency_s + work / speed;
  }

  // Trains `client` from the current global model into `delta`; `stream` tells its local
  // random stream apart from those of its other trainings.
  Trained train(std::uint32_t client, std::uint32_t stream, std::uint32_t round,
                std::vector<double>& delta, Scratch& scratch) {
    delta = global_;
    sim::RandomStream rng(c_.seed, client, sim::purpose_id("fl-local") + stream);
    LocalConfig local = local_;
    local.learning_rate *= std::pow(c_.lr_decay, double(round));
    Trained t;
    t.result =
        local_sgd(model_, delta, global_, train_, partition_.client(client), local, rng, scratch);
    for (std::size_t j = 0; j < p_; ++j) delta[j] -= global_[j];
    if (c_.compression.kind != CompressionKind::kNone) {
      auto& w = wires_.local();
      encode(c_.compression, delta, w.bytes, w.indices);
      decode(c_.compression, w.bytes, delta);
    }
    t.bytes_up = wire_bytes(c_.compression, p_);
    return t;
  }

  void record(RoundRecord& rec, bool last) {
    rec.round = static_cast<std::uint32_t>(out_.rounds.size()) + 1;
    if (last || rec.round % c_.eval_every == 0) {
      rec.evaluated = true;
      rec.test = model_.evaluate(global_, test_);
    }
    out_.bytes_up += rec.bytes_up;
    out_.bytes_down += rec.bytes_down;
    out_.rounds.push_back(rec);
  }

  void run_sync() {
    const std::uint32_t k = c_.per_round, n = partition_.num_clients();
    std::vector<std::vector<double>> deltas(k);
    std::vector<Trained> trained(k);
    std::vector<std::uint32_t> chosen;
    std::vector<ClientUpdate> updates(k);
    double now = 0.0;
    for (std::uint32_t r = 0; r < c_.rounds; ++r) {
      sim::RandomStream pick(c_.seed, r, sim::purpose_id("fl-select"));
      selector_->select(r, n, k, {}, pick, chosen);
      tbb::parallel_for(std::uint32_t{0}, k, [&](std::uint32_t i) {
        trained[i] = train(chosen[i], r, r, deltas[i], scratch_.local());
      });
      RoundRecord rec;
      double slowest = 0.0, weight = 0.0;
      for (std::uint32_t i = 0; i < k; ++i) {
        const LocalResult& lr = trained[i].result;
        const double t = duration(chosen[i], lr.samples);
        slowest = std::max(slowest, t);
        selector_->report(chosen[i], r, {lr.samples, lr.loss_rms, t});
        updates[i] = {chosen[i], double(lr.samples), 0, deltas[i]};
        rec.train_loss += lr.mean_loss * lr.samples;
        weight += lr.samples;
        rec.bytes_up += trained[i].bytes_up;
        rec.bytes_down += model_bytes_;
        seen_.insert(chosen[i]);
      }
      strategy_->aggregate(global_, updates);
      now += slowest;
      rec.virtual_time_s = now;
      rec.updates = k;
      rec.train_loss = weight > 0.0 ? rec.train_loss / weight : 0.0;
      record(rec, r + 1 == c_.rounds);
    }
  }

  // FedBuff: up to max_concurrency clients train at once; each arrival goes to the strategy with
  // its staleness; every published global model is one round. Arrivals at equal times are taken
  // in dispatch order.
  void run_async() {
    const std::uint32_t n = partition_.num_clients();
    const std::uint32_t cap = std::min(strategy_->max_concurrency(), n);
    struct Slot {
      std::uint32_t client = 0, version = 0;
      std::uint64_t seq = 0;
      double start = 0.0, finish = 0.0;
      Trained trained;
      std::vector<double> delta;
    };
    std::vector<Slot> slots(cap);
    std::vector<std::uint32_t> busy, chosen;
    std::uint64_t seq = 0;
    std::uint32_t version = 0;
    // The first wave is chosen at once and trained in parallel.
    sim::RandomStream first(c_.seed, 0, sim::purpose_id("fl-select"));
    selector_->select(0, n, cap, {}, first, chosen);
    tbb::parallel_for(std::uint32_t{0}, cap, [&](std::uint32_t i) {
      slots[i].trained = train(chosen[i], i, 0, slots[i].delta, scratch_.local());
    });
    for (std::uint32_t i = 0; i < cap; ++i) {
      slots[i].client = chosen[i];
      slots[i].seq = seq++;
      slots[i].finish = duration(chosen[i], slots[i].trained.result.samples);
    }
    RoundRecord rec;
    double weight = 0.0;
    while (version < c_.rounds) {
      std::uint32_t s = 0;
      for (std::uint32_t i = 1; i < cap; ++i) {
        if (slots[i].finish < slots[s].finish ||
            (slots[i].finish == slots[s].finish && slots[i].seq < slots[s].seq)) {
          s = i;
        }
      }
      Slot& slot = slots[s];
      const LocalResult& lr = slot.trained.result;
      const double now = slot.finish;
      selector_->report(slot.client, version, {lr.samples, lr.loss_rms, now - slot.start});
      const ClientUpdate u{slot.client, double(lr.samples), version - slot.version, slot.delta};
      seen_.insert(slot.client);
      rec.updates += 1;
      rec.bytes_up += slot.trained.bytes_up;
      rec.bytes_down += model_bytes_;
      rec.train_loss += lr.mean_loss * lr.samples;
      rec.max_staleness = std::max(rec.max_staleness, double(u.staleness));
      weight += lr.samples;
      if (strategy_->aggregate(global_, std::span<const ClientUpdate>(&u, 1))) {
        ++version;
        rec.virtual_time_s = now;
        rec.train_loss = weight > 0.0 ? rec.train_loss / weight : 0.0;
        record(rec, version == c_.rounds);
        rec = RoundRecord{};
        weight = 0.0;
      }
      // The slot takes a new client, not one in flight, starting from the current model.
      busy.clear();
      for (std::uint32_t i = 0; i < cap; ++i) {
        if (i != s) busy.push_back(slots[i].client);
      }
      std::sort(busy.begin(), busy.end());
      sim::RandomStream pick(c_.seed, static_cast<std::uint32_t>(seq),
                             sim::purpose_id("fl-select"));
      selector_->select(static_cast<std::uint32_t>(seq), n, 1, busy, pick, chosen);
      slot.client = chosen[0];
      slot.version = version;
      slot.seq = seq++;
      slot.trained = train(slot.client, static_cast<std::uint32_t>(slot.seq), version, slot.delta,
                           scratch_.local());
      slot.start = now;
      slot.finish = now + duration(slot.client, slot.trained.result.samples);
    }
  }

  struct Wire {
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint32_t> indices;
  };

  const FederatedConfig& c_;
  const Dataset& train_;
  const Partition& partition_;
  const Dataset& test_;
  Model model_;
  std::unique_ptr<Strategy> strategy_;
  std::unique_ptr<ClientSelector> selector_;
  std::size_t p_;
  std::vector<double> global_;
  LocalConfig local_;
  std::uint64_t model_bytes_ = 0;
  tbb::enumerable_thread_specific<Scratch> scratch_;
  tbb::enumerable_thread_specific<Wire> wires_;
  std::unordered_set<std::uint32_t> seen_;
  FederatedResult out_;
};

}  // namespace

void validate(const FederatedConfig& c, const Partition& partition) {
  const std::uint32_t n = partition.num_clients();
  require(n > 0, "clients: the partition has no client");
  require(c.per_round >= 1 && c.per_round <= n,
          "per_round: " + std::to_string(c.per_round) + " clients per round out of " +
              std::to_string(n) + " clients; expected 1.." + std::to_string(n));
  require(c.rounds >= 1, "rounds: expected a positive integer");
  require(c.eval_every >= 1, "eval_every: expected a positive integer");
  require(
      c.local.learning_rate > 0.0 && std::isfinite(c.local.learning_rate),
      "learning_rate: expected a positive number, got " + std::to_string(c.local.learning_rate));
  require(c.lr_decay > 0.0 && c.lr_decay <= 1.0,
          "lr_decay: expected a factor in (0, 1], got " + std::to_string(c.lr_decay));
  require(c.local.batch_size >= 1, "batch_size: expected a positive integer");
  require(c.local.epochs >= 1, "epochs: expected a positive integer");
  require(c.compression.topk_fraction > 0.0 && c.compression.topk_fraction <= 1.0,
          "topk_fraction: expected a fraction in (0, 1], got " +
              std::to_string(c.compression.topk_fraction));
  require(c.device_flops > 0.0 && c.speed_sigma >= 0.0 && c.latency_s >= 0.0,
          "device_flops must be > 0, speed_sigma and latency_s >= 0");
  require(c.model != ModelKind::kMlp || c.hidden > 0, "hidden: expected a positive integer");
  make_strategy(c);
  make_selector(c);
}

FederatedResult run_federated(const FederatedConfig& config, const Dataset& train,
                              const Partition& partition, const Dataset& test) {
  validate(config, partition);
  require(train.dim == test.dim && train.num_classes == test.num_classes,
          "the training and test sets differ in dimension or classes");
  require(partition.indices.size() <= train.size(), "the partition does not fit the data set");
  return Runner(config, train, partition, test).run();
}

}  // namespace edgetwin::scheduler_plugins::federated
