// The federated round driver without the network: R rounds of select -> local training ->
// (compress) -> aggregate -> evaluate, with real training. Synchronous strategies run rounds;
// an asynchronous one (FedBuff) runs clients on a virtual clock with a concurrency cap. A client's
// virtual duration is a placeholder (process.h runs the same learning on the device and network
// models in simulated time):
// latency_s + samples x epochs x training FLOPs / (device_flops x LogNormal(0, speed_sigma)),
// the speed factor drawn once per client from stream (seed, client, "fl-speed"). FedBuff counts
// rounds for lr_decay by published models.
//
// Clients that are not selected cost nothing: no per-client model or optimiser state exists; a
// client's data is an index list of the partition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler_plugins/federated/compression.h"
#include "scheduler_plugins/federated/data.h"
#include "scheduler_plugins/federated/model.h"
#include "scheduler_plugins/federated/strategy.h"

namespace edgetwin::scheduler_plugins::federated {

struct FederatedConfig {
  ModelKind model = ModelKind::kSoftmax;
  std::uint32_t hidden = 128;  // MLP
  std::string strategy = "fedavg";
  StrategyParams strategy_params;
  std::string selector = "random";
  SelectorParams selector_params;
  std::uint32_t rounds = 50;     // synchronous rounds, or FedBuff aggregations
  std::uint32_t per_round = 10;  // clients per round (synchronous)
  LocalConfig local;             // proximal_mu comes from the strategy
  double lr_decay = 1.0;         // the client learning rate of round r is lr x lr_decay^r
  CompressionSpec compression;
  std::uint64_t seed = 1;
  std::uint32_t eval_every = 1;  // evaluate after every n-th round, and after the last
  double device_flops = 1e9;     // virtual clock: mean device speed, FLOP/s
  double speed_sigma = 0.6;      // ... its lognormal spread (FedScale's tail_skew)
  double latency_s = 1.0;        // ... a fixed per-client overhead (download + upload)
};

struct RoundRecord {
  std::uint32_t round = 0;       // 1-based: the global model version after it
  double virtual_time_s = 0;     // when the round ended on the virtual clock
  std::uint32_t updates = 0;     // client updates folded in
  double train_loss = 0;         // sample-weighted mean local training loss of those updates
  std::uint64_t bytes_up = 0;    // compressed updates
  std::uint64_t bytes_down = 0;  // global models sent (float32)
  double max_staleness = 0;
  bool evaluated = false;
  Evaluation test;
};

struct FederatedResult {
  std::vector<RoundRecord> rounds;
  std::vector<double> params;  // the final global model
  Evaluation final_test;
  std::uint64_t bytes_up = 0, bytes_down = 0;
  std::uint32_t distinct_clients = 0;  // clients that trained at least once
};

// Checks `config` against the population (clients in `partition`); std::invalid_argument naming
// the field (unknown strategy or selector listing the valid ones, per_round > clients, ...).
void validate(const FederatedConfig& config, const Partition& partition);

// Runs it. The same config, data and partition give the same result bit for bit, whatever the
// number of TBB threads: clients train in parallel, each with its own random stream
// (seed, client, "fl-local" + round), and updates are aggregated in ascending client order.
FederatedResult run_federated(const FederatedConfig& config, const Dataset& train,
                              const Partition& partition, const Dataset& test);

}  // namespace edgetwin::scheduler_plugins::federated
