#include "scheduler_plugins/federated/strategy.h"

#include <cmath>
#include <stdexcept>

namespace edgetwin::scheduler_plugins::federated {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

// mean = sum_i n_i delta_i / sum_i n_i; false (mean untouched) when no update carries weight.
bool weighted_mean(std::span<const ClientUpdate> updates, std::vector<double>& mean) {
  double total = 0.0;
  for (const ClientUpdate& u : updates) total += u.samples;
  if (!(total > 0.0)) return false;
  std::fill(mean.begin(), mean.end(), 0.0);
  for (const ClientUpdate& u : updates) {
    const double w = u.samples / total;
    for (std::size_t j = 0; j < mean.size(); ++j) mean[j] += w * u.delta[j];
  }
  return true;
}

// FedAvg (McMahan et al. 2017) as a server step on the pseudo-gradient:
// w <- w + server_lr * sum_i n_i delta_i / sum_i n_i. server_lr = 1 is plain FedAvg.
class FedAvg : public Strategy {
 public:
  std::string_view name() const override { return "fedavg"; }
  void configure(const StrategyParams& p) override {
    require(p.server_lr > 0.0 && std::isfinite(p.server_lr),
            "server_lr: expected a positive number, got " + std::to_string(p.server_lr));
    server_lr_ = p.server_lr;
  }
  bool aggregate(std::span<double> global, std::span<const ClientUpdate> updates) override {
    mean_.resize(global.size());
    if (!weighted_mean(updates, mean_)) return false;
    for (std::size_t j = 0; j < global.size(); ++j) global[j] += server_lr_ * mean_[j];
    return true;
  }

 protected:
  double server_lr_ = 1.0;
  std::vector<double> mean_;
};

// FedProx (Li et al., MLSys 2020): FedAvg's aggregation; the clients minimise
// f(w) + mu/2 ||w - w_global||^2.
class FedProx final : public FedAvg {
 public:
  std::string_view name() const override { return "fedprox"; }
  void configure(const StrategyParams& p) override {
    FedAvg::configure(p);
    require(p.proximal_mu >= 0.0 && std::isfinite(p.proximal_mu),
            "proximal_mu: expected a number >= 0, got " + std::to_string(p.proximal_mu));
    mu_ = p.proximal_mu;
  }
  double proximal_mu() const override { return mu_; }

 private:
  double mu_ = 0.01;
};

// FedAdam and FedYogi (Reddi et al., ICLR 2021, Algorithm 2), with Delta the sample-weighted mean
// update: m <- b1 m + (1 - b1) Delta;
// Adam: v <- b2 v + (1 - b2) Delta^2; Yogi: v <- v - (1 - b2) Delta^2 sign(v - Delta^2);
// w <- w + eta m / (sqrt(v) + tau). m starts at 0, v at tau^2; no bias correction.
class FedOpt final : public Strategy {
 public:
  explicit FedOpt(bool yogi) : yogi_(yogi) {}
  std::string_view name() const override { return yogi_ ? "fedyogi" : "fedadam"; }
  void configure(const StrategyParams& p) override {
    require(p.eta > 0.0 && std::isfinite(p.eta),
            "eta: expected a positive number, got " + std::to_string(p.eta));
    require(p.beta1 >= 0.0 && p.beta1 < 1.0,
            "beta1: expected a number in [0, 1), got " + std::to_string(p.beta1));
    require(p.beta2 >= 0.0 && p.beta2 < 1.0,
            "beta2: expected a number in [0, 1), got " + std::to_string(p.beta2));
    require(p.tau > 0.0 && std::isfinite(p.tau),
            "tau: expected a positive number, got " + std::to_string(p.tau));
    eta_ = p.eta;
    beta1_ = p.beta1;
    beta2_ = p.beta2;
    tau_ = p.tau;
  }
  bool aggregate(std::span<double> global, std::span<const ClientUpdate> updates) override {
    mean_.resize(global.size());
    if (!weighted_mean(updates, mean_)) return false;
    if (m_.size() != global.size()) {
      m_.assign(global.size(), 0.0);
      v_.assign(global.size(), tau_ * tau_);
    }
    for (std::size_t j = 0; j < global.size(); ++j) {
      const double d = mean_[j], d2 = d * d;
      m_[j] = beta1_ * m_[j] + (1.0 - beta1_) * d;
      if (yogi_) {
        const double diff = v_[j] - d2;
        v_[j] -= (1.0 - beta2_) * d2 * double((diff > 0.0) - (diff < 0.0));
      } else {
        v_[j] = beta2_ * v_[j] + (1.0 - beta2_) * d2;
      }
      global[j] += eta_ * m_[j] / (std::sqrt(v_[j]) + tau_);
    }
    return true;
  }

 private:
  bool yogi_;
  double eta_ = 0.01, beta1_ = 0.9, beta2_ = 0.99, tau_ = 1e-3;
  std::vector<double> mean_, m_, v_;
};

// FedBuff (Nguyen et al., AISTATS 2022, Algorithm 1): each arriving update is added to a buffer
// with weight 1 / sqrt(1 + staleness); when K updates are buffered,
// w <- w + server_lr * (sum_k delta_k / sqrt(1 + s_k)) / K and the buffer empties.
class FedBuff final : public Strategy {
 public:
  std::string_view name() const override { return "fedbuff"; }
  void configure(const StrategyParams& p) override {
    require(p.server_lr > 0.0 && std::isfinite(p.server_lr),
            "server_lr: expected a positive number, got " + std::to_string(p.server_lr));
    require(p.buffer_size > 0, "buffer_size: expected a positive integer");
    require(p.max_concurrency > 0, "max_concurrency: expected a positive integer");
    server_lr_ = p.server_lr;
    k_ = p.buffer_size;
    concurrency_ = p.max_concurrency;
  }
  bool asynchronous() const override { return true; }
  std::uint32_t max_concurrency() const override { return concurrency_; }
  bool aggregate(std::span<double> global, std::span<const ClientUpdate> updates) override {
    if (buffer_.size() != global.size()) buffer_.assign(global.size(), 0.0);
    bool changed = false;
    for (const ClientUpdate& u : updates) {
      const double w = staleness_weight(u.staleness);
      for (std::size_t j = 0; j < global.size(); ++j) buffer_[j] += w * u.delta[j];
      if (++count_ < k_) continue;
      const double scale = server_lr_ / double(k_);
      for (std::size_t j = 0; j < global.size(); ++j) {
        global[j] += scale * buffer_[j];
        buffer_[j] = 0.0;
      }
      count_ = 0;
      changed = true;
    }
    return changed;
  }

 private:
  double server_lr_ = 1.0;
  std::uint32_t k_ = 10, concurrency_ = 20, count_ = 0;
  std::vector<double> buffer_;
};

}  // namespace

double staleness_weight(std::uint32_t staleness) { return 1.0 / std::sqrt(1.0 + staleness); }

std::unique_ptr<Strategy> make_fedavg() { return std::make_unique<FedAvg>(); }
std::unique_ptr<Strategy> make_fedprox() { return std::make_unique<FedProx>(); }
std::unique_ptr<Strategy> make_fedadam() { return std::make_unique<FedOpt>(false); }
std::unique_ptr<Strategy> make_fedyogi() { return std::make_unique<FedOpt>(true); }
std::unique_ptr<Strategy> make_fedbuff() { return std::make_unique<FedBuff>(); }

bool register_builtin_strategies(Registry<Strategy>& registry, std::string* error) {
  return registry.add(
             {"fedavg", "sample-weighted mean of the updates (McMahan et al. 2017)", make_fedavg},
             error) &&
         registry.add({"fedprox", "FedAvg with mu/2 ||w - w_global||^2 in the local objective",
                       make_fedprox},
                      error) &&
         registry.add({"fedadam", "Adam server optimiser on the mean update (Reddi et al. 2021)",
                       make_fedadam},
                      error) &&
         registry.add({"fedyogi", "Yogi server optimiser on the mean update (Reddi et al. 2021)",
                       make_fedyogi},
                      error) &&
         registry.add(
             {"fedbuff", "asynchronous buffered aggregation, staleness 1/sqrt(1+s)", make_fedbuff},
             error);
}

Registry<Strategy>& federated_registry() {
  static Registry<Strategy> registry = [] {
    Registry<Strategy> r;
    std::string error;
    if (!register_builtin_strategies(r, &error)) throw std::logic_error(error);
    return r;
  }();
  return registry;
}

}  // namespace edgetwin::scheduler_plugins::federated
