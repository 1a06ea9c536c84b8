// Device lifecycle: the state of each device (provisioning, online, updating, rebooting, offline,
// failed, retired), the processes that change it (provisioning at the start, retirement, crash
// and repair, site power loss, faulty batches, maintenance windows, failure traces, batteries
// running empty), and what each state gates: only an online device takes work
// (FleetModel::set_available), only an online or updating one is reachable over the network (its
// access link is held down otherwise), and only a provisioning, online, updating or rebooting
// one draws power (Energy::set_powered). docs/devices.md, "Lifecycle and failures".
//
// Logical processes, from `first_lp`: the driver (every failure process, battery events) and the
// sampler.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/fleet_config.h"
#include "models/fleet_model.h"
#include "sim/engine.h"

namespace edgetwin::models {

class NetworkActivity;

// One row per device per episode down, in order of going down.
struct FailureRecords {
  static constexpr std::uint32_t kBatteryProcess = 0xFFFFFFFFu;
  std::vector<std::uint32_t> device;
  std::vector<std::uint8_t> cause;     // FailureCause
  std::vector<std::uint32_t> process;  // index into LifecycleConfig::failures, or kBatteryProcess
  std::vector<sim::Time> down_ns, up_ns;  // up_ns = the run's end when it had not come back
  std::size_t size() const { return device.size(); }
};

class Lifecycle {
 public:
  // `config`, `fleet` and `network` (nullptr: no network) must outlive this object.
  Lifecycle(const FleetConfig& config, FleetModel& fleet, NetworkActivity* network,
            sim::LpId first_lp);

  std::uint32_t lp_count() const { return 2; }
  bool owns(sim::LpId lp) const { return lp >= first_lp_ && lp < first_lp_ + lp_count(); }
  void start(sim::Engine& engine);
  void handle(const sim::Event& event, sim::Engine& engine);
  // Closes the time-in-state integrals and the open failure episodes at `end`.
  void finish(sim::Time end);

  DeviceState state(std::uint32_t device) const { return static_cast<DeviceState>(state_[device]); }
  const FailureRecords& failures() const { return records_; }
  std::uint64_t battery_shutdowns() const { return battery_shutdowns_; }
  // Seconds that the devices of type t spent in state s, summed over those devices.
  double state_seconds(std::uint32_t type, DeviceState s) const {
    return sim::to_seconds(type_state_ns_[type * kDeviceStates + static_cast<int>(s)]);
  }
  // Seconds each device was online.
  const std::vector<sim::Time>& online_ns() const { return online_ns_; }
  // devices_<state> for every state, then battery_min and battery_mean (fractions of capacity)
  // when some device has a battery.
  const std::vector<TimeSeries>& timeseries() const { return series_; }

 private:
  enum Kind : std::uint16_t { kDown = 0x300, kUp, kSample };
  static constexpr std::uint32_t kProvisioned = 0xFFFFFFFEu;  // process of "provisioning ends"
  static constexpr std::uint32_t kRetire = 0xFFFFFFFDu;       // process of "retired"

  void hold(std::uint32_t device, DeviceState s, sim::Time now, sim::Engine& engine);
  void release(std::uint32_t device, DeviceState s, sim::Time now, sim::Engine& engine);
  void update(std::uint32_t device, sim::Time now, sim::Engine& engine);
  void on_change(const sim::Event& event, bool down, sim::Engine& engine);
  void on_battery(const sim::Event& event, sim::Engine& engine);
  void on_sample(sim::Engine& engine);
  void schedule(sim::Engine& engine, sim::Time at, Kind kind, std::uint32_t process,
                std::uint32_t group);

  const FleetConfig& config_;
  FleetModel& fleet_;
  NetworkActivity* network_;
  sim::LpId first_lp_;
  // Per device, structure of arrays.
  std::vector<std::uint8_t> state_;
  std::array<std::vector<std::uint16_t>, kDeviceStates> holds_;  // [0] (online) unused
  std::vector<sim::Time> since_;  // entered its current state
  std::vector<sim::Time> online_ns_;
  std::vector<std::int64_t> battery_open_;  // by battery: open row in records_, or -1
  // Per failure process and group: the group's global index is group_offset_[process] + g.
  std::vector<std::uint32_t> group_offset_;
  std::vector<sim::RandomStream> rng_;
  std::vector<std::int64_t> open_row_;  // first open row of the group's episode, or -1
  std::vector<sim::Time> type_state_ns_;  // [type * kDeviceStates + state]
  std::array<std::uint64_t, kDeviceStates> count_{};
  FailureRecords records_;
  std::uint64_t battery_shutdowns_ = 0;
  std::vector<TimeSeries> series_;
};

}  // namespace edgetwin::models
