// Federated aggregation strategies and client selectors: small plug-in interfaces, looked up by
// name in their own registries (scheduler_plugins/registry.h). docs/federated.md gives each
// built-in's equations and sources.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler_plugins/registry.h"
#include "sim/random.h"

namespace edgetwin::scheduler_plugins::federated {

// Every strategy's parameters; each strategy reads those it names. Defaults as documented.
struct StrategyParams {
  double server_lr = 1.0;          // FedAvg, FedProx, FedBuff: the server's step on the mean update
  double proximal_mu = 0.01;       // FedProx
  double eta = 0.01;               // FedAdam, FedYogi: server learning rate
  double beta1 = 0.9;              // FedAdam, FedYogi
  double beta2 = 0.99;             // FedAdam, FedYogi
  double tau = 1e-3;               // FedAdam, FedYogi: adaptivity; v starts at tau^2
  std::uint32_t buffer_size = 10;  // FedBuff: K updates per aggregation
  std::uint32_t max_concurrency = 20;  // FedBuff: clients training at once
};

// One client's contribution: delta = (its trained model) - (the global model it started from).
struct ClientUpdate {
  std::uint32_t client = 0;
  double samples = 0.0;         // the client's training samples (the FedAvg weight)
  std::uint32_t staleness = 0;  // global model versions published since it was dispatched
  std::span<const double> delta;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view name() const = 0;
  // Takes the parameters it uses; std::invalid_argument naming the bad one.
  virtual void configure(const StrategyParams& params) = 0;
  // The FedProx coefficient the driver adds to each local objective; 0 for the others.
  virtual double proximal_mu() const { return 0.0; }
  // True: the driver runs clients asynchronously (up to max_concurrency() in flight) and hands
  // over each update as it arrives.
  virtual bool asynchronous() const { return false; }
  virtual std::uint32_t max_concurrency() const { return 0; }
  // Folds `updates` (in the order given; the driver gives them in a fixed order) into `global`.
  // True iff `global` changed (a buffering strategy may only store them).
  virtual bool aggregate(std::span<double> global, std::span<const ClientUpdate> updates) = 0;
};

struct SelectorParams {
  // Oort (Lai et al., OSDI'21), FedScale's defaults.
  double exploration = 0.9;  // initial share of each round's picks given to unexplored clients
  double exploration_decay = 0.98;  // multiplied in after each round
  double exploration_min = 0.3;
  double round_penalty = 2.0;         // alpha in the system utility (T / t)^alpha for t > T
  double preferred_duration_s = 0.0;  // T; 0: the median duration of the explored clients
  double cut_off = 0.95;              // exploit among clients within this share of the k-th utility
};

// What the driver learns about a client after it trained.
struct ClientFeedback {
  std::uint32_t samples = 0;
  double loss_rms = 0.0;    // sqrt(mean over its trained samples of loss^2)
  double duration_s = 0.0;  // how long it took (simulated)
};

class ClientSelector {
 public:
  virtual ~ClientSelector() = default;
  virtual std::string_view name() const = 0;
  virtual void configure(const SelectorParams&) {}
  // Writes to `out` `count` distinct clients of 0..population-1 that are not in `busy` (sorted),
  // in ascending order. REQUIRES count + busy.size() <= population. Per-client state is kept only
  // for clients that were selected, so a large population costs nothing.
  virtual void select(std::uint32_t round, std::uint32_t population, std::uint32_t count,
                      std::span<const std::uint32_t> busy, sim::RandomStream& rng,
                      std::vector<std::uint32_t>& out) = 0;
  virtual void report(std::uint32_t /*client*/, std::uint32_t /*round*/,
                      const ClientFeedback& /*feedback*/) {}
};

// Built-ins. Strategies: "fedavg", "fedprox", "fedadam", "fedyogi", "fedbuff". Selectors:
// "random", "oort".
std::unique_ptr<Strategy> make_fedavg();
std::unique_ptr<Strategy> make_fedprox();
std::unique_ptr<Strategy> make_fedadam();
std::unique_ptr<Strategy> make_fedyogi();
std::unique_ptr<Strategy> make_fedbuff();
std::unique_ptr<ClientSelector> make_random_selector();
std::unique_ptr<ClientSelector> make_oort_selector();

bool register_builtin_strategies(Registry<Strategy>& registry, std::string* error = nullptr);
bool register_builtin_selectors(Registry<ClientSelector>& registry, std::string* error = nullptr);

// The process-wide registries, built-ins registered on first use (like placement_registry()).
// Not thread-safe while plug-ins are being added; read-only afterwards.
Registry<Strategy>& federated_registry();
Registry<ClientSelector>& selector_registry();

// The FedBuff staleness weight 1 / sqrt(1 + s) (Nguyen et al., AISTATS 2022).
double staleness_weight(std::uint32_t staleness);

}  // namespace edgetwin::scheduler_plugins::federated
