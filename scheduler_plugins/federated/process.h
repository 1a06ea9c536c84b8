// The federated-learning process in simulated time, on the virtual hardware of models/: an FL
// server at a site (the cloud), clients on devices of the fleet. Each round: select clients
// (over-selection: ceil(K (1 + over)) picked, the first K updates to arrive kept) -> model
// download over the network model -> local training for FLOPs x samples / device FLOP/s of
// simulated time, the update REALLY computed with the Eigen models -> upload of the (compressed)
// update -> aggregation when K updates arrived, at the round deadline, or when nobody is left
// in flight -> evaluation on the test set. FedBuff runs on the same clock asynchronously.
// Devices that fail, go offline or run their battery empty while they take part drop out: their
// update never arrives. docs/federated.md, "The FL process in simulated time".
//
// Device speed (FLOP/s) of a device type t: type_flops[t] when given (> 0), else
// reference_core_flops x core_speed(t) x cores(t) from the device catalog (core_speed is relative
// to one core of the reference cloud VM; the catalog gives no accelerator throughput, so an
// accelerator type needs type_flops to count it).
//
// Logical processes: those of the fleet, the network and the lifecycle (as models::Twin), then
// the FL server's.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/fleet_config.h"
#include "scheduler_plugins/federated/driver.h"
#include "sim/units.h"

namespace edgetwin::scheduler_plugins::federated {

struct FlSimConfig {
  // Model, strategy, selector, rounds, per_round (K), local training, compression, seed,
  // eval_every. Its virtual-clock fields (device_flops, speed_sigma, latency_s) are not used.
  FederatedConfig fl;
  double over_selection = 0.0;  // >= 0: ceil(K (1 + over)) clients picked per round
  sim::Time round_deadline = 0;  // > 0: a round closes this long after it began; 0: no deadline
  std::uint32_t server_site = 0;  // the site whose node hosts the FL server
  // Client k trains on device client_devices[k]; empty: client k on device k. One client per
  // device; as many clients as the partition has.
  std::vector<std::uint32_t> client_devices;
  double reference_core_flops = 1e10;  // FLOP/s of one reference cloud-VM core
  std::vector<double> type_flops;      // by device type; empty or 0: from the catalog
  // FedBuff: a slot whose client dropped out takes its next client this much later.
  sim::Time retry_delay = sim::kSecond;
  sim::Time max_time = 365 * sim::kDay;  // the run stops here if the rounds are not done
};

// One row per round (synchronous) or per published model (FedBuff). Times in seconds.
struct FlRoundMetrics {
  std::uint32_t round = 0;  // 1-based: the global model version after it
  double start_s = 0.0, end_s = 0.0;
  std::uint32_t selected = 0;         // clients picked (FedBuff: dispatched since the last model)
  std::uint32_t updates = 0;          // updates aggregated
  std::uint32_t dropped_failure = 0;  // device failed / went offline (lifecycle), or a transfer
                                      // of its update or model failed
  std::uint32_t dropped_battery = 0;  // battery ran empty
  std::uint32_t stragglers = 0;       // still in flight at the deadline: dropped
  std::uint32_t surplus = 0;          // over-selected clients cancelled once K had arrived
  // The round's critical path: the phases of the update that arrived last among those
  // aggregated; waiting = (end - start) - download - train - upload (the deadline's wait for
  // stragglers, or FedBuff's time before that client was dispatched). Means over all aggregated
  // updates beside them.
  double download_s = 0.0, train_s = 0.0, upload_s = 0.0, waiting_s = 0.0;
  double mean_download_s = 0.0, mean_train_s = 0.0, mean_upload_s = 0.0;
  std::uint64_t bytes_up = 0;    // update bytes delivered to the server
  std::uint64_t bytes_down = 0;  // model bytes delivered to clients
  double train_loss = 0.0;       // sample-weighted mean local loss of the aggregated updates
  std::uint32_t max_staleness = 0;
  bool evaluated = false;
  Evaluation test;
};

// Everything the run measured, in plain vectors: the HDF5 writer (/events/fl_rounds,
// /timeseries/fl_accuracy ...) and the scenario's `federated` section build on this.
struct FlSimMetrics {
  std::vector<FlRoundMetrics> rounds;
  std::vector<std::uint32_t> participation;  // by client: updates it had aggregated
  std::vector<std::uint32_t> selections;     // by client: times it was picked
  std::vector<double> train_energy_j;        // by device type: busy power x training time
  std::vector<double> train_seconds;         // by device type
  std::uint64_t bytes_up = 0, bytes_down = 0;
  std::uint64_t dropped_failure = 0, dropped_battery = 0, stragglers = 0, surplus = 0;
  std::vector<double> params;  // the final global model
  Evaluation final_test;
  double end_s = 0.0;          // simulated time when the last round closed
  bool completed = false;      // false: max_time came first
  std::uint64_t events = 0;
};

// Checks `config` against the fleet and the partition; std::invalid_argument naming the field
// ("over_selection: expected >= 0, got -1", "client_devices/3: device 12 out of 0..9", ...).
void validate(const FlSimConfig& config, const models::FleetConfig& fleet,
              const Partition& partition);

// Builds the twin of `fleet` (which needs a network section), runs the FL process to its last
// round and returns the metrics. The same inputs give the same metrics and model bit for bit for
// any number of TBB threads.
FlSimMetrics simulate_federated(const FlSimConfig& config, const models::FleetConfig& fleet,
                                const Dataset& train, const Partition& partition,
                                const Dataset& test);

// Device speed of each type of `fleet` (FLOP/s), as described at the top.
std::vector<double> device_flops(const FlSimConfig& config, const models::FleetConfig& fleet);

}  // namespace edgetwin::scheduler_plugins::federated
