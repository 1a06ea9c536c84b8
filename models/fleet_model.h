// The first real model: devices serving requests as multi-server FIFO queues (one server per
// core), fed by arrival streams (Poisson, constant, diurnal, MMPP or traces: models/arrivals.h),
// one per (workload, site), per (workload, device) or per workload (ArrivalScope), times the
// process's parts (trace rows).
//
// Logical processes: one per device (LP id = device index), one per arrival source, and one
// sampler. A request is three events: its arrival at the source, its hand-over to
// the chosen device (same instant), and its departure from a core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/arrivals.h"
#include "models/fleet_config.h"
#include "sim/engine.h"
#include "sim/payload_pool.h"
#include "sim/random.h"

namespace edgetwin::models {

// One row per recorded request, as structure of arrays.
struct RequestRecords {
  std::vector<sim::Time> arrival_ns;
  std::vector<sim::Time> start_ns;
  std::vector<sim::Time> end_ns;
  std::vector<std::uint32_t> device;
  std::vector<std::uint32_t> site;
  std::vector<std::uint32_t> workload;
  std::size_t size() const { return arrival_ns.size(); }
};

// A fleet-level metric sampled every sample_interval.
struct TimeSeries {
  std::string name;
  std::string unit;
  std::vector<sim::Time> time_ns;
  std::vector<double> value;
};

// Per-device totals at the end of the run.
struct DeviceStats {
  std::vector<std::uint64_t> served;      // recorded completions
  std::vector<double> busy_core_seconds;  // integral of busy cores over time
  // Energy in joules: the integral of P(t) = idle_w + (max_w - idle_w) * busy(t) / cores, which
  // is piecewise constant between events, so the integral is exact: idle_w * T +
  // (max_w - idle_w) / cores * busy_core_seconds.
  std::vector<double> energy_j;
  std::vector<std::uint32_t> in_system;   // requests queued or in service at the end
};

class FleetModel final : public sim::Model {
 public:
  explicit FleetModel(FleetConfig config);

  // Schedules the first arrivals and the first sample. Call once, before running the engine.
  void start(sim::Engine& engine);
  void handle(const sim::Event& event, sim::Engine& engine) override;
  // Closes the busy-time integrals at `end`, the engine's final time.
  void finish(sim::Time end);

  // The number of logical processes the engine must be built with.
  std::uint32_t lp_count() const;

  const FleetConfig& config() const { return config_; }
  const std::vector<sim::Time>& latencies_ns() const { return latencies_; }
  const RequestRecords& requests() const { return records_; }
  const std::vector<TimeSeries>& timeseries() const { return series_; }
  const DeviceStats& device_stats() const { return stats_; }
  std::uint64_t arrivals() const { return arrivals_; }
  std::uint64_t completions() const { return completions_; }

 private:
  struct Request {
    sim::Time arrival = 0;
    sim::Time start = 0;
    double work_s = 0.0;  // service time on a reference core, drawn at arrival
    std::uint32_t workload = 0;
    std::uint32_t site = 0;
    std::uint32_t next = 0;  // FIFO link while queued
    bool recorded = false;
  };
  struct Source {  // one arrival stream: of a workload at a site, a device, or the fleet
    std::uint32_t workload;
    std::uint32_t site;  // scope site and device; fleet: the first site
    // Where its requests go (ArrivalScope): `device` when it is not kNone (scope device); else the
    // `group_size` devices from scope_devices_[group_begin] when group_size > 0 (fleet); else
    // the devices of `site`.
    std::uint32_t device;
    std::uint32_t group_begin;
    std::uint32_t group_size;
    // Drawn per source, so the same seed offers the same requests (times and work) whatever the
    // dispatch policy or fleet does with them: common random numbers across policies.
    ArrivalStream arrivals;
    sim::RandomStream work;
    sim::RandomStream dispatch;
    std::uint32_t round_robin = 0;
  };

  void on_arrival(const sim::Event& event, sim::Engine& engine);
  void on_request(const sim::Event& event, sim::Engine& engine);
  void on_departure(const sim::Event& event, sim::Engine& engine);
  void on_sample(sim::Engine& engine);
  void begin_service(std::uint32_t device, std::uint32_t slot, sim::Time now, sim::Engine& engine);
  std::uint32_t pick_device(Source& source);
  void add_sources(std::uint32_t w, double& expected);
  void account_busy(std::uint32_t device, sim::Time now);

  FleetConfig config_;
  std::vector<Source> sources_;
  // Devices of each site, in device order (CSR).
  std::vector<std::uint32_t> site_device_begin_;
  std::vector<std::uint32_t> site_devices_;
  // The devices of each fleet-scope workload's sites, one range per such workload.
  std::vector<std::uint32_t> scope_devices_;
  // Device state, structure of arrays.
  std::vector<std::uint32_t> cores_;
  std::vector<double> speed_;
  std::vector<std::uint32_t> busy_;
  std::vector<std::uint32_t> in_system_dev_;  // queued + in service
  std::vector<std::uint32_t> queue_head_;
  std::vector<std::uint32_t> queue_tail_;
  std::vector<sim::Time> busy_since_;
  std::vector<std::int64_t> busy_core_ns_;
  DeviceStats stats_;

  sim::PayloadPool<Request> requests_;
  std::vector<sim::Time> latencies_;
  RequestRecords records_;
  std::vector<TimeSeries> series_;
  std::uint64_t arrivals_ = 0;
  std::uint64_t completions_ = 0;
  std::uint64_t in_system_ = 0;
  std::uint64_t busy_total_ = 0;
  std::uint64_t total_cores_ = 0;
  sim::LpId sampler_lp_ = 0;
};

}  // namespace edgetwin::models
