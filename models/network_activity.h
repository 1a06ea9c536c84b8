// The network side of a scenario: the topology built from the scenario (sites, devices and their
// access links, site links), the outage processes that take links and sites down, bulk transfer
// workloads and store-and-forward telemetry, and the network's own time series.
//
// Logical processes, from `first_lp`: the network, the outage driver, the sampler, then one per
// transfer workload and one per message workload.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/fleet_config.h"
#include "models/fleet_model.h"
#include "models/lifecycle.h"
#include "network/network.h"
#include "sim/engine.h"

namespace edgetwin::models {

// One row per outage episode of an OutageConfig.
struct OutageRecords {
  std::vector<std::uint32_t> outage;  // index into FleetConfig::outages
  std::vector<sim::Time> down_ns, up_ns;  // up_ns = the run's end when it had not ended
  std::size_t size() const { return outage.size(); }
};

class NetworkActivity {
 public:
  // REQUIRES: config.network.enabled; `config` outlives this object.
  NetworkActivity(const FleetConfig& config, sim::LpId first_lp);

  std::uint32_t lp_count() const;
  bool owns(sim::LpId lp) const { return lp >= first_lp_ && lp < first_lp_ + lp_count(); }
  void start(sim::Engine& engine);
  void handle(const sim::Event& event, sim::Engine& engine);
  void finish(sim::Time end);
  // Holds a device's access link down (the device is off or failed) or releases that hold;
  // outages may hold it too (models/lifecycle.h).
  void hold_device(std::uint32_t device, bool down, sim::Engine& engine);

  const network::Network& net() const { return *net_; }
  network::Network& net() { return *net_; }  // the fleet model pulls images over it
  network::NodeId site_node(std::uint32_t site) const { return site; }
  network::NodeId device_node(std::uint32_t device) const {
    return static_cast<network::NodeId>(config_.sites.size() + device);
  }
  // LinkId of each device's access link (device -> site; the reverse is LinkId ^ 1), and of each
  // site link (a -> b).
  const std::vector<network::LinkId>& access_links() const { return access_link_; }
  const std::vector<network::LinkId>& site_links() const { return site_link_; }
  const OutageRecords& outages() const { return outage_records_; }
  // Sampled every sample_interval: queued_messages, active_transfers, and the load of every
  // directed site link (as a fraction of its capacity), in site_link_load() by directed link.
  const std::vector<TimeSeries>& timeseries() const { return series_; }
  const std::vector<sim::Time>& sample_times() const { return sample_times_; }
  const std::vector<std::vector<double>>& site_link_load() const { return link_load_; }

 private:
  enum Kind : std::uint16_t {
    kOutageDown = 0x100, kOutageUp, kSample, kTransferArrival, kTransferEnded, kMessageSend,
    kMessageEnded
  };
  void schedule_outages(sim::Engine& engine);
  void on_outage(const sim::Event& event, bool down, sim::Engine& engine);
  void on_transfer_arrival(std::uint32_t workload, sim::Engine& engine);
  void on_message(std::uint64_t payload, sim::Engine& engine);
  void on_sample(sim::Engine& engine);

  const FleetConfig& config_;
  sim::LpId first_lp_;
  std::unique_ptr<network::Network> net_;
  std::vector<network::LinkId> access_link_, site_link_;
  std::vector<std::vector<network::LinkId>> outage_links_;  // by outage
  std::vector<sim::RandomStream> outage_rng_;               // by outage
  std::vector<std::int64_t> open_episode_;                  // by outage: row in records, or -1
  OutageRecords outage_records_;
  std::vector<sim::RandomStream> transfer_rng_;  // by transfer workload
  std::vector<sim::RandomStream> phase_rng_;     // by message workload
  std::vector<TimeSeries> series_;
  std::vector<sim::Time> sample_times_;
  std::vector<std::vector<double>> link_load_;  // by directed site link (2 per SiteLinkConfig)
};

// Everything a scenario simulates: the request model; with a network section the network (which
// then carries the fleet's image pulls and gives its requests their route latency); and with any
// lifecycle feature (batteries, provisioning, retirement, device failures) the lifecycle. LP
// ranges in that order.
class Twin final : public sim::Model {
 public:
  explicit Twin(FleetConfig config);
  std::uint32_t lp_count() const;
  void start(sim::Engine& engine);
  void handle(const sim::Event& event, sim::Engine& engine) override;
  void finish(sim::Time end);

  const FleetModel& fleet() const { return fleet_; }
  const FleetConfig& config() const { return fleet_.config(); }
  // nullptr when the scenario has no network section.
  const NetworkActivity* network() const { return network_.get(); }
  // nullptr when the scenario uses no lifecycle feature: every device online throughout.
  const Lifecycle* lifecycle() const { return lifecycle_.get(); }

 private:
  FleetModel fleet_;
  std::unique_ptr<NetworkActivity> network_;
  std::unique_ptr<Lifecycle> lifecycle_;
};

}  // namespace edgetwin::models
